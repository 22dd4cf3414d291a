/**
 * The whole training step (forward, fused cross-entropy, backward, AdamW) on the fast WASM
 * kernels agrees with the same step on the plain TypeScript reference kernels, for a small
 * decoder with odd sizes, grouped-query heads and a padding mask.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import type { CpuFastKernels } from '../backend/cpu/fast-kernels.js';
import { CpuHeap } from '../backend/cpu/heap.js';
import { createCpuFastKernels } from '../backend/cpu/wasm/create-fast-kernels.js';
import { tensor } from '../ops/create.js';
import { crossEntropy, shiftLabels } from '../ops/loss.js';
import { AdamW } from '../optim/adamw.js';
import { Rng } from '../random/rng.js';
import { getBackend, setBackend } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import { parseDecoderConfig } from './config.js';
import { DecoderForCausalLM } from './decoder.js';

const config = parseDecoderConfig({
  vocab_size: 37,
  hidden_size: 24,
  intermediate_size: 40,
  num_hidden_layers: 2,
  num_attention_heads: 3,
  num_key_value_heads: 1,
  rms_norm_eps: 1e-5,
});
const [B, T] = [2, 13];

let fast: CpuFastKernels;
let fastBackend: CpuBackend;
const refBackend = new CpuBackend({ heap: new CpuHeap(16 << 20) });

beforeAll(async () => {
  const heap = new CpuHeap(16 << 20);
  fast = await createCpuFastKernels(heap, { threads: 2 });
  fastBackend = new CpuBackend({ heap, fast });
});

afterAll(() => fast.dispose());

interface StepResult {
  logits: number[];
  loss: number;
  grads: Map<string, number[]>;
  after: Map<string, number[]>;
}

function runOn(backend: CpuBackend): StepResult {
  const prev = getBackend();
  setBackend(backend);
  try {
    const model = new DecoderForCausalLM(config, { seed: 21 });
    const opt = new AdamW(model.namedParameters(), { lr: 1e-2 });
    const rng = new Rng(4);
    const ids = new Int32Array(B * T).map(() => rng.int(config.vocabSize));
    const mask = new Int32Array(B * T).fill(1);
    mask.fill(0, T, T + 3); // row 1 is left-padded by 3
    const out = tidy(() => {
      const idsT = tensor(ids, [B, T], 'i32');
      const maskT = tensor(mask, [B, T], 'i32');
      const labels = tensor(shiftLabels(ids, B, T, mask), [B, T], 'i32');
      const logits = model.forward(idsT, { attentionMask: maskT });
      const { loss } = crossEntropy(logits, labels);
      loss.backward();
      return { logits: logits.toArray(), loss: loss.itemSync() };
    });
    const grads = new Map(model.namedParameters().map(([n, p]) => [n, p.grad!.toArray()]));
    opt.step();
    const after = new Map(model.namedParameters().map(([n, p]) => [n, p.toArray()]));
    opt.dispose();
    model.dispose();
    return { ...out, grads, after };
  } finally {
    setBackend(prev);
  }
}

function expectNear(a: number[], b: number[], rel: number, what: string): void {
  let scale = 1e-6;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < b.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= rel * scale)) throw new Error(`${what}[${i}]: fast ${a[i]} vs reference ${b[i]}`);
  }
}

describe('training step on the fast kernels', () => {
  it('matches the reference kernels: logits, loss, every gradient, the AdamW update', () => {
    const ref = runOn(refBackend);
    const got = runOn(fastBackend);
    expectNear(got.logits, ref.logits, 1e-4, 'logits');
    expect(got.loss).toBeCloseTo(ref.loss, 4);
    expect([...got.grads.keys()]).toEqual([...ref.grads.keys()]);
    for (const [name, g] of ref.grads) expectNear(got.grads.get(name)!, g, 2e-3, `grad ${name}`);
    for (const [name, p] of ref.after) expectNear(got.after.get(name)!, p, 1e-3, `param ${name}`);
    // Nothing of the step stays behind (the fast kernels keep their scratch and RoPE tables).
    expect(refBackend.heap.stats().liveBytes).toBe(0);
    const kept = fastBackend.heap.stats().liveBytes;
    runOn(fastBackend);
    expect(fastBackend.heap.stats().liveBytes).toBe(kept);
  });
});
