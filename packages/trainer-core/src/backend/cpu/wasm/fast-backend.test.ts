/**
 * End to end: a decoder's loss and every parameter gradient on a CpuBackend with the fast
 * kernels match the same model on the reference-only backend (so the kernel files pass the
 * right pointers, shapes and views to the fast kernels), and AdamW steps agree too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseDecoderConfig } from '../../../nn/config.js';
import { DecoderForCausalLM } from '../../../nn/decoder.js';
import { tensor } from '../../../ops/create.js';
import { crossEntropy, shiftLabels } from '../../../ops/loss.js';
import { AdamW } from '../../../optim/adamw.js';
import { Rng } from '../../../random/rng.js';
import { getBackend, setBackend } from '../../../tensor/engine.js';
import { tidy } from '../../../tensor/scope.js';
import { CpuBackend } from '../cpu-backend.js';
import { CpuHeap } from '../heap.js';
import { createCpuFastKernels } from './create-fast-kernels.js';
import { relativeError } from './test-utils/attention-oracle.js';

const config = parseDecoderConfig({
  vocab_size: 61,
  hidden_size: 48,
  intermediate_size: 80,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-5,
});
const [B, T] = [3, 70];

interface Run {
  losses: number[];
  grads: Map<string, number[]>;
  params: Map<string, number[]>;
}

/** Two AdamW steps on a fixed padded batch; gradients of the first step, parameters after both. */
function train(backend: CpuBackend): Run {
  const previous = getBackend();
  setBackend(backend);
  try {
    const rng = new Rng(7);
    const ids = new Int32Array(B * T).map(() => rng.int(config.vocabSize));
    const mask = new Int32Array(B * T).fill(1).fill(0, 0, 9);
    const labels = shiftLabels(ids, B, T, mask);
    const model = new DecoderForCausalLM(config, { seed: 11 });
    const opt = new AdamW(model.namedParameters(), { lr: 1e-2 });
    const [idsT, maskT, labelsT] = [
      tensor(ids, [B, T], 'i32'),
      tensor(mask, [B, T], 'i32'),
      tensor(labels, [B, T], 'i32'),
    ];
    const run: Run = { losses: [], grads: new Map(), params: new Map() };
    for (let step = 0; step < 2; step++) {
      run.losses.push(
        tidy(() => {
          const { loss } = crossEntropy(model.forward(idsT, { attentionMask: maskT }), labelsT);
          loss.backward();
          return loss.itemSync();
        }),
      );
      if (step === 0) for (const [name, p] of model.namedParameters()) run.grads.set(name, p.grad!.toArray());
      opt.step();
      opt.zeroGrad();
    }
    for (const [name, p] of model.namedParameters()) run.params.set(name, p.toArray());
    for (const t of [idsT, maskT, labelsT]) t.dispose();
    opt.dispose();
    model.dispose();
    return run;
  } finally {
    setBackend(previous);
  }
}

describe('CpuBackend with fast kernels', () => {
  const fastBackend = { current: undefined as CpuBackend | undefined };
  afterAll(() => fastBackend.current?.dispose());

  it('trains a padded GQA decoder exactly as the reference backend does (loss, gradients, AdamW)', async () => {
    const reference = train(new CpuBackend());
    const heap = new CpuHeap(32 << 20);
    fastBackend.current = new CpuBackend({ heap, fast: await createCpuFastKernels(heap, { threads: 2 }) });
    const fast = train(fastBackend.current);
    expect(fast.losses[0]).toBeCloseTo(reference.losses[0]!, 5);
    expect(fast.losses[1]).toBeCloseTo(reference.losses[1]!, 5);
    expect(fast.grads.size).toBe(reference.grads.size);
    for (const [name, want] of reference.grads) {
      expect(relativeError(fast.grads.get(name)!, want), `grad of ${name}`).toBeLessThanOrEqual(2e-4);
    }
    for (const [name, want] of reference.params) {
      expect(relativeError(fast.params.get(name)!, want), `${name} after 2 steps`).toBeLessThanOrEqual(2e-4);
    }
  });
});
