/**
 * End to end: training steps of a decoder on a CpuBackend with the fast kernels match the same
 * steps on the reference-only backend (so the kernel files pass the right pointers, shapes and
 * views to the fast kernels): logits, loss, every parameter gradient and the AdamW updates, for
 * decoders with odd sizes, grouped-query heads and padding masks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LlamaConfig, parseLlamaConfig } from '../../../models/llama/config.js';
import { LlamaForCausalLM } from '../../../models/llama/modeling.js';
import { tensor } from '../../../ops/create.js';
import { crossEntropy, shiftLabels } from '../../../ops/loss.js';
import { AdamW } from '../../../optim/adamw.js';
import { TrainingRng } from '../../../random/training-rng.js';
import { getBackend, setBackend } from '../../../tensor/engine.js';
import { tidy } from '../../../tensor/scope.js';
import { CpuBackend } from '../cpu-backend.js';
import { CpuHeap } from '../heap.js';
import { createCpuFastKernels } from './create-fast-kernels.js';
import { relativeError } from './test-utils/attention-oracle.js';

interface TrainCase {
  config: LlamaConfig;
  batch: number;
  seq: number;
  /** Flat [begin, end) of the [batch, seq] attention mask that is padding (0). */
  padding: readonly [number, number];
  dataSeed: number;
  modelSeed: number;
  steps: number;
}

interface Run {
  /** Logits, loss and gradients of the first step. */
  logits: number[];
  losses: number[];
  grads: Map<string, number[]>;
  /** The parameters after each AdamW step. */
  params: Map<string, number[]>[];
}

/** AdamW steps (lr 1e-2) of a freshly initialised decoder on one fixed padded batch. */
function train(backend: CpuBackend, c: TrainCase): Run {
  const previous = getBackend();
  setBackend(backend);
  try {
    const { batch: B, seq: T } = c;
    const rng = new TrainingRng(c.dataSeed);
    const ids = new Int32Array(B * T).map(() => rng.int(c.config.vocabSize));
    const mask = new Int32Array(B * T).fill(1).fill(0, ...c.padding);
    const labels = shiftLabels(ids, B, T, mask);
    const model = new LlamaForCausalLM(c.config, { seed: c.modelSeed });
    const opt = new AdamW(model.namedParameters(), { lr: 1e-2 });
    const [idsT, maskT, labelsT] = [
      tensor(ids, [B, T], 'i32'),
      tensor(mask, [B, T], 'i32'),
      tensor(labels, [B, T], 'i32'),
    ];
    const run: Run = { logits: [], losses: [], grads: new Map(), params: [] };
    for (let step = 0; step < c.steps; step++) {
      run.losses.push(
        tidy(() => {
          const logits = model.forward(idsT, { attentionMask: maskT });
          const { loss } = crossEntropy(logits, labelsT);
          loss.backward();
          if (step === 0) run.logits = logits.arraySync();
          return loss.itemSync();
        }),
      );
      if (step === 0) for (const [name, p] of model.namedParameters()) run.grads.set(name, p.grad!.arraySync());
      opt.step();
      opt.zeroGrad();
      run.params.push(new Map(model.namedParameters().map(([name, p]) => [name, p.arraySync()])));
    }
    for (const t of [idsT, maskT, labelsT]) t.dispose();
    opt.dispose();
    model.dispose();
    return run;
  } finally {
    setBackend(previous);
  }
}

/** Every |a - b| within rel * max |b|. */
function expectNear(a: number[], b: number[], rel: number, what: string): void {
  let scale = 1e-6;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < b.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= rel * scale)) throw new Error(`${what}[${i}]: fast ${a[i]} vs reference ${b[i]}`);
  }
}

describe('CpuBackend with fast kernels', () => {
  const referenceBackend = new CpuBackend({ heap: new CpuHeap(16 << 20) });
  let fastBackend: CpuBackend;
  beforeAll(async () => {
    const heap = new CpuHeap(32 << 20);
    fastBackend = new CpuBackend({ heap, fast: await createCpuFastKernels(heap, { threads: 2 }) });
  });
  afterAll(() => fastBackend.dispose());

  it('takes an AdamW step of an odd-sized single-kv-head decoder as the reference does, leaving nothing behind', () => {
    const c: TrainCase = {
      config: parseLlamaConfig({
        vocab_size: 37,
        hidden_size: 24,
        intermediate_size: 40,
        num_hidden_layers: 2,
        num_attention_heads: 3,
        num_key_value_heads: 1,
        rms_norm_eps: 1e-5,
      }),
      batch: 2,
      seq: 13,
      padding: [13, 16], // row 1 is left-padded by 3
      dataSeed: 4,
      modelSeed: 21,
      steps: 1,
    };
    const ref = train(referenceBackend, c);
    const got = train(fastBackend, c);
    expectNear(got.logits, ref.logits, 1e-4, 'logits');
    expect(got.losses[0]).toBeCloseTo(ref.losses[0]!, 4);
    expect([...got.grads.keys()]).toEqual([...ref.grads.keys()]);
    for (const [name, g] of ref.grads) expectNear(got.grads.get(name)!, g, 2e-3, `grad ${name}`);
    for (const [name, p] of ref.params[0]!) expectNear(got.params[0]!.get(name)!, p, 1e-3, `param ${name}`);
    // Nothing of the step stays behind (the fast kernels keep their scratch and RoPE tables).
    expect(referenceBackend.heap.stats().liveBytes).toBe(0);
    const kept = fastBackend.heap.stats().liveBytes;
    train(fastBackend, c);
    expect(fastBackend.heap.stats().liveBytes).toBe(kept);
  });

  it('trains a padded GQA decoder exactly as the reference backend does (loss, gradients, two AdamW steps)', () => {
    const c: TrainCase = {
      config: parseLlamaConfig({
        vocab_size: 61,
        hidden_size: 48,
        intermediate_size: 80,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        rms_norm_eps: 1e-5,
      }),
      batch: 3,
      seq: 70,
      padding: [0, 9], // row 0 is left-padded by 9
      dataSeed: 7,
      modelSeed: 11,
      steps: 2,
    };
    const reference = train(referenceBackend, c);
    const fast = train(fastBackend, c);
    expect(fast.losses[0]).toBeCloseTo(reference.losses[0]!, 5);
    expect(fast.losses[1]).toBeCloseTo(reference.losses[1]!, 5);
    expect(fast.grads.size).toBe(reference.grads.size);
    for (const [name, want] of reference.grads) {
      expect(relativeError(fast.grads.get(name)!, want), `grad of ${name}`).toBeLessThanOrEqual(2e-4);
    }
    for (const [name, want] of reference.params[1]!) {
      expect(relativeError(fast.params[1]!.get(name)!, want), `${name} after 2 steps`).toBeLessThanOrEqual(2e-4);
    }
  });
});
