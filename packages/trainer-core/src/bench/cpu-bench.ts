/**
 * The CPU benchmark workloads, with the names and units of the PyTorch peer so the two can be
 * compared line by line: f32 matmul GFLOP/s at 256/512/1024 and one training step (forward,
 * causal-LM loss over ids[:, 1:], backward, AdamW lr 1e-4) of the reference decoder, full
 * fine-tuning and LoRA r=16 (alpha 32 on q,k,v,o,gate,up,down; embeddings and head frozen). The
 * LoRA step also runs on an NF4 base (QLoRA; no peer workload), and the LoRA steps report the
 * heap's peak and the model's size. Each workload gets a fresh backend, so its heap figures are
 * its own.
 */
import { createCpuBackend } from '../backend/cpu/create-cpu-backend.js';
import { matmul } from '../ops/matmul.js';
import { peekBackend, setBackend } from '../tensor/engine.js';
import { type BenchDecoderShape, REF_DECODER } from './ref-decoder.js';
import { medianMs } from './timing.js';
import { benchResults, buildTrainStep, checkWorkloads, squareOperands, type TrainSetup } from './workloads.js';

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
  /** The decoder of the training steps (default REF_DECODER); smaller shapes are for tests. */
  decoder?: BenchDecoderShape;
  /** Called with each result as soon as it is measured. */
  onResult?: (result: BenchResult) => void;
}

export interface CpuBenchReport {
  threads: number;
  fma: boolean;
  results: BenchResult[];
}

type TrainWorkload = Exclude<CpuBenchWorkload, `matmul_f32_${string}`>;

const TRAIN_SETUPS: Record<TrainWorkload, TrainSetup> = {
  train_step_full: {},
  train_step_lora16: { lora: true },
  train_step_lora16_nf4: { lora: true, nf4: true },
};

const MIB = 1 << 20;

export async function runCpuBenchmarks(opts: CpuBenchOptions = {}): Promise<CpuBenchReport> {
  const workloads = opts.workloads ?? CPU_BENCH_WORKLOADS;
  checkWorkloads(workloads, CPU_BENCH_WORKLOADS);
  const reps = opts.reps ?? 7;
  const shape = opts.decoder ?? REF_DECODER;
  const { results, emit, emitStep } = benchResults(opts.onResult);
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
      const heapBytes = () => backend.heap.stats().liveBytes;
      const start = heapBytes();
      const run = await buildTrainStep(shape, TRAIN_SETUPS[w as TrainWorkload], heapBytes);
      const modelBytes = heapBytes() - start;
      try {
        backend.heap.resetPeak();
        emitStep(w, shape, medianMs(run.step, { reps, warmup: 3 }));
        if (w === 'train_step_full') continue;
        // Every tensor of the step (weights, adapters, AdamW state, activations) and the kernels' scratch.
        emit(`${w}_peak_heap`, backend.heap.stats().peakLiveBytes / MIB, 'MiB');
        // The model with its optimizer state, before the first step.
        emit(`${w}_model_heap`, modelBytes / MIB, 'MiB');
        if (run.quantized) emit('nf4_linear_bytes_per_param', run.quantized.bytes / run.quantized.params, 'B/param');
      } finally {
        run.dispose();
      }
    } finally {
      setBackend(previous);
      backend.dispose();
    }
  }
  return { ...kernels, results };
}

function matmulMs(n: number, reps: number): number {
  const [x, y] = squareOperands(n);
  try {
    return medianMs(() => matmul(x, y).dispose(), { reps, warmup: 5, minWarmupMs: 300 });
  } finally {
    x.dispose();
    y.dispose();
  }
}
