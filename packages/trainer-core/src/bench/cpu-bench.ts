/**
 * The CPU benchmark workloads, with the names and units of the PyTorch peer so the two can be
 * compared line by line: f32 matmul GFLOP/s at 256/512/1024 and one training step (forward,
 * causal-LM loss over ids[:, 1:], backward, AdamW lr 1e-4) of the reference decoder, full
 * fine-tuning and LoRA r=16 (alpha 32 on q,k,v,o,gate,up,down; embeddings and head frozen). The
 * LoRA step also runs on an NF4 base (QLoRA; no peer workload) and reports the heap's peak.
 * Each workload gets a fresh backend, so its heap figures are its own.
 */
import type { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { createCpuBackend } from '../backend/cpu/create-cpu-backend.js';
import { applyLora } from '../lora/apply-lora.js';
import { parseLlamaConfig } from '../models/llama/config.js';
import { LlamaForCausalLM } from '../models/llama/modeling.js';
import { tensor } from '../ops/create.js';
import { crossEntropy } from '../ops/loss.js';
import { matmul } from '../ops/matmul.js';
import { AdamW } from '../optim/adamw.js';
import { quantizableLinears, quantizeModelNf4 } from '../quant/quantize-model.js';
import { TrainingRng } from '../random/training-rng.js';
import { getBackend, peekBackend, setBackend } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import { type BenchDecoderShape, benchDecoderConfig, REF_DECODER } from './ref-decoder.js';
import { medianMs } from './timing.js';

export const CPU_BENCH_WORKLOADS = [
  'matmul_f32_256',
  'matmul_f32_512',
  'matmul_f32_1024',
  'train_step_full',
  'train_step_lora16',
  'train_step_lora16_nf4',
] as const;
export type CpuBenchWorkload = (typeof CPU_BENCH_WORKLOADS)[number];

export interface BenchResult {
  workload: string;
  value: number;
  unit: string;
}

export interface CpuBenchOptions {
  workloads?: readonly CpuBenchWorkload[];
  /** Timed repetitions per workload (the median is reported); default 7 as the peer. */
  reps?: number;
  /** Kernel threads, the calling thread included (default: all cores). */
  threads?: number;
  fma?: boolean | 'auto';
  /** The decoder of train_step_full (default REF_DECODER); smaller shapes are for tests. */
  decoder?: BenchDecoderShape;
  /** Called with each result as soon as it is measured. */
  onResult?: (result: BenchResult) => void;
}

export interface CpuBenchReport {
  threads: number;
  fma: boolean;
  results: BenchResult[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function runCpuBenchmarks(opts: CpuBenchOptions = {}): Promise<CpuBenchReport> {
  const workloads = opts.workloads ?? CPU_BENCH_WORKLOADS;
  for (const w of workloads) {
    if (!CPU_BENCH_WORKLOADS.includes(w)) {
      throw new RangeError(`unknown workload "${w}" (expected one of ${CPU_BENCH_WORKLOADS.join(', ')})`);
    }
  }
  const reps = opts.reps ?? 7;
  const results: BenchResult[] = [];
  const emit = (workload: string, value: number, unit: string) => {
    const r = { workload, value: round3(value), unit };
    results.push(r);
    opts.onResult?.(r);
  };
  const shape = opts.decoder ?? REF_DECODER;
  const tokens = shape.batch * shape.seq;
  let kernels = { threads: 0, fma: false };
  for (const w of workloads) {
    const backend = await createCpuBackend({ heapBytes: 64 << 20, threads: opts.threads, fma: opts.fma });
    kernels = { threads: backend.fast!.threads, fma: backend.fast!.fma };
    const previous = peekBackend();
    setBackend(backend);
    try {
      if (w.startsWith('matmul_f32_')) {
        const n = Number(w.slice('matmul_f32_'.length));
        emit(w, (2 * n ** 3) / (matmulMs(n, reps) / 1000) / 1e9, 'GFLOP/s');
        continue;
      }
      const step = await trainStep(shape, TRAIN_SETUPS[w as TrainWorkload]);
      backend.heap.resetPeak();
      const ms = step.medianMs(reps);
      emit(w, ms, 'ms');
      emit(`${w}_tokens_per_s`, tokens / (ms / 1000), 'tokens/s');
      if (w !== 'train_step_full') {
        // The kernels' scratch and every tensor of the step (weights, adapters, AdamW state, activations).
        emit(`${w}_peak_heap`, backend.heap.stats().peakLiveBytes / MIB, 'MiB');
        emit(`${w}_model_heap`, step.modelBytes / MIB, 'MiB');
      }
      if (step.quantized) emit('nf4_linear_bytes_per_param', step.quantized.bytes / step.quantized.params, 'B/param');
      step.dispose();
    } finally {
      setBackend(previous);
      backend.dispose();
    }
  }
  return { ...kernels, results };
}

const MIB = 1 << 20;

type TrainWorkload = Exclude<CpuBenchWorkload, `matmul_f32_${string}`>;

interface TrainSetup {
  lora: boolean;
  nf4: boolean;
}

const TRAIN_SETUPS: Record<TrainWorkload, TrainSetup> = {
  train_step_full: { lora: false, nf4: false },
  train_step_lora16: { lora: true, nf4: false },
  train_step_lora16_nf4: { lora: true, nf4: true },
};

/** The peer's LoRA: r 16, alpha 32, no dropout, on every projection of the decoder layers. */
const BENCH_LORA = {
  r: 16,
  alpha: 32,
  dropout: 0,
  rslora: false,
  targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
};

function matmulMs(n: number, reps: number): number {
  const rng = new TrainingRng(0);
  const data = () => {
    const d = new Float32Array(n * n);
    rng.fillNormal(d, 0, 1);
    return d;
  };
  const x = tensor(data(), [n, n]);
  const y = tensor(data(), [n, n]);
  try {
    return medianMs(() => matmul(x, y).dispose(), { reps, warmup: 5, minWarmupMs: 300 });
  } finally {
    x.dispose();
    y.dispose();
  }
}

interface PreparedStep {
  medianMs(reps: number): number;
  /** Heap bytes of the model (weights, adapters) before the first step. */
  modelBytes: number;
  /** Heap bytes and parameter count of the NF4 linear layers. */
  quantized?: { bytes: number; params: number };
  dispose(): void;
}

/** One step as the peer's: logits of ids[:, :-1], cross-entropy against ids[:, 1:], backward, AdamW. */
async function trainStep(shape: BenchDecoderShape, setup: TrainSetup): Promise<PreparedStep> {
  const heap = (getBackend() as CpuBackend).heap;
  const start = heap.stats().liveBytes;
  const model = new LlamaForCausalLM(parseLlamaConfig(benchDecoderConfig(shape), 'bench decoder'), { seed: 0 });
  let quantized: PreparedStep['quantized'];
  if (setup.nf4) {
    const linears = quantizableLinears(model);
    const params = linears.reduce((n, l) => n + l.linear.weight.size, 0);
    const before = heap.stats().liveBytes - params * 4;
    await quantizeModelNf4(model, { doubleQuant: true });
    quantized = { bytes: heap.stats().liveBytes - before, params };
  }
  if (setup.lora) applyLora(model, BENCH_LORA);
  const modelBytes = heap.stats().liveBytes - start;
  const opt = new AdamW(
    model.namedParameters().filter(([, t]) => t.requiresGrad),
    { lr: 1e-4 },
  );
  const { batch, seq, vocab } = shape;
  const rng = new TrainingRng(1);
  const ids = new Int32Array(batch * seq);
  const labels = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    const row = Array.from({ length: seq + 1 }, () => rng.int(vocab));
    ids.set(row.slice(0, seq), b * seq);
    labels.set(row.slice(1), b * seq);
  }
  const idsT = tensor(ids, [batch, seq], 'i32');
  const labelsT = tensor(labels, [batch, seq], 'i32');
  const step = () => {
    tidy(() => crossEntropy(model.forward(idsT), labelsT).loss.backward());
    opt.step();
    opt.zeroGrad();
  };
  return {
    medianMs: (reps) => medianMs(step, { reps, warmup: 3 }),
    modelBytes,
    quantized,
    dispose: () => {
      for (const t of [idsT, labelsT]) t.dispose();
      opt.dispose();
      model.dispose();
    },
  };
}
