/**
 * Training end to end on the WebGPU backend (llvmpipe in CI): a micro decoder (hidden 32, two
 * layers, batch 2 x 16, about 10 MFLOP a step) follows the CPU's loss curve, and a run of steps
 * reads nothing back but the packed metrics on logging steps, while its memory stays flat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLlamaConfig } from '../../models/llama/config.js';
import { LlamaForCausalLM } from '../../models/llama/modeling.js';
import { tensor } from '../../ops/create.js';
import { crossEntropy, shiftLabels } from '../../ops/loss.js';
import { readScalars } from '../../ops/transfer.js';
import { AdamW } from '../../optim/adamw.js';
import { clipGradNorm } from '../../optim/clip.js';
import { TrainingRng } from '../../random/training-rng.js';
import { peekBackend, setBackend } from '../../tensor/engine.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import { onBackend } from '../../test-utils/backends.js';
import type { Backend } from '../backend.js';
import { createCpuBackend } from '../cpu/create-cpu-backend.js';
import { createWebGpuBackend } from './create-webgpu-backend.js';
import type { WebGpuBackend } from './webgpu-backend.js';

const MICRO = parseLlamaConfig({
  vocab_size: 48,
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-5,
});
const [BATCH, SEQ] = [2, 16];

interface Run {
  step(): Record<'loss' | 'accuracy' | 'gradNorm', Tensor>;
  dispose(): void;
}

/** A seeded model, optimizer and fixed batch on `backend` (current while it is built and run). */
function trainer(backend: Backend): Run {
  return onBackend(backend, () => {
    const rng = new TrainingRng(11);
    const ids = new Int32Array(BATCH * SEQ).map(() => rng.int(MICRO.vocabSize));
    const idsT = tensor(ids, [BATCH, SEQ], 'i32');
    const labelsT = tensor(shiftLabels(ids, BATCH, SEQ), [BATCH, SEQ], 'i32');
    const model = new LlamaForCausalLM(MICRO, { seed: 5 });
    const opt = new AdamW(model.namedParameters(), { lr: 3e-3, weightDecay: 0.01 });
    return {
      step: () => {
        const metrics = tidy(() => {
          const { loss, accuracy } = crossEntropy(model.forward(idsT), labelsT);
          loss.backward();
          return { loss: loss.detach(), accuracy: accuracy.detach(), gradNorm: clipGradNorm(model.parameters(), 1) };
        });
        opt.step();
        opt.zeroGrad();
        return metrics;
      },
      dispose: () => {
        for (const t of [idsT, labelsT]) t.dispose();
        opt.dispose();
        model.dispose();
      },
    };
  });
}

async function read(metrics: Record<'loss' | 'accuracy' | 'gradNorm', Tensor>) {
  try {
    return await readScalars(metrics);
  } finally {
    for (const t of Object.values(metrics)) t.dispose();
  }
}

function disposeAll(metrics: Record<string, Tensor>) {
  for (const t of Object.values(metrics)) t.dispose();
}

describe('training a micro decoder on WebGPU', () => {
  let gpu: WebGpuBackend;
  let cpu: Backend;
  beforeAll(async () => {
    gpu = await createWebGpuBackend();
    cpu = await createCpuBackend({ threads: 1 });
  });
  afterAll(() => {
    gpu?.dispose();
    cpu?.dispose();
  });

  it('follows the CPU loss curve step for step', async () => {
    const curves: { loss: number; gradNorm: number }[][] = [];
    for (const backend of [cpu, gpu]) {
      const run = trainer(backend);
      const curve: { loss: number; gradNorm: number }[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await read(onBackend(backend, run.step));
        curve.push({ loss: r.loss, gradNorm: r.gradNorm });
      }
      run.dispose();
      curves.push(curve);
    }
    const [onCpu, onGpu] = curves as [(typeof curves)[0], (typeof curves)[0]];
    // The loss falls (the run trains), and both backends agree to f32 accumulation-order noise.
    expect(onCpu[5]!.loss).toBeLessThan(onCpu[0]!.loss - 0.05);
    onCpu.forEach((c, i) => {
      expect(Math.abs(onGpu[i]!.loss - c.loss), `step ${i} loss`).toBeLessThan(2e-4 * c.loss);
      expect(Math.abs(onGpu[i]!.gradNorm - c.gradNorm), `step ${i} grad norm`).toBeLessThan(1e-3 * c.gradNorm);
    });
  });

  it('reads back only the packed metrics on logging steps, with flat memory and no new buffers', async () => {
    const previous = peekBackend();
    setBackend(gpu);
    const run = trainer(gpu);
    try {
      // Warm up: pipelines compiled and the pool at its high-water mark (frees wait for their
      // batch's submit, so the first steps' batch boundaries decide how many buffers are needed).
      for (let i = 0; i < 8; i++) disposeAll(run.step());
      await gpu.sync();
      const before = gpu.stats();
      const logged: number[] = [];
      for (let i = 1; i <= 6; i++) {
        const m = run.step();
        if (i % 3 === 0) logged.push((await read(m)).loss);
        else disposeAll(m);
      }
      await gpu.sync();
      const after = gpu.stats();
      expect(after.downloads - before.downloads).toBe(logged.length);
      expect(logged.every(Number.isFinite)).toBe(true);
      expect(after.liveBytes).toBe(before.liveBytes);
      expect(after.created).toBe(before.created);
      expect(after.pipelines).toBe(before.pipelines);
      // Many kernels per submit: the steps are recorded in batches, not one submit per kernel.
      expect((after.dispatches - before.dispatches) / (after.submits - before.submits)).toBeGreaterThan(20);
    } finally {
      run.dispose();
      setBackend(previous);
    }
  });
});
