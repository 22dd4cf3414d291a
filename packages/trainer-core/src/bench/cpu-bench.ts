/**
 * The CPU benchmark workloads, with the names and units of the PyTorch peer so the two can be
 * compared line by line: f32 matmul GFLOP/s at 256/512/1024 and one full training step
 * (forward, causal-LM loss over ids[:, 1:], backward, AdamW lr 1e-4) of the reference decoder.
 */
import { createCpuBackend } from '../backend/cpu/create-cpu-backend.js';
import { matmul } from '../ops/matmul.js';
import { peekBackend, setBackend } from '../tensor/engine.js';
import { type BenchDecoderShape, REF_DECODER } from './ref-decoder.js';
import { medianMs } from './timing.js';
import { benchResults, buildTrainStep, checkWorkloads, squareOperands } from './workloads.js';

export const CPU_BENCH_WORKLOADS = ['matmul_f32_256', 'matmul_f32_512', 'matmul_f32_1024', 'train_step_full'] as const;
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

export async function runCpuBenchmarks(opts: CpuBenchOptions = {}): Promise<CpuBenchReport> {
  const workloads = opts.workloads ?? CPU_BENCH_WORKLOADS;
  checkWorkloads(workloads, CPU_BENCH_WORKLOADS);
  const reps = opts.reps ?? 7;
  const backend = await createCpuBackend({ heapBytes: 64 << 20, threads: opts.threads, fma: opts.fma });
  const fast = backend.fast!;
  const previous = peekBackend();
  setBackend(backend);
  const { results, emit, emitStep } = benchResults(opts.onResult);
  try {
    for (const w of workloads) {
      if (w === 'train_step_full') {
        const shape = opts.decoder ?? REF_DECODER;
        emitStep('train_step_full', shape, trainStepMs(shape, reps));
      } else {
        const n = Number(w.slice('matmul_f32_'.length));
        emit(w, (2 * n ** 3) / (matmulMs(n, reps) / 1000) / 1e9, 'GFLOP/s');
      }
    }
  } finally {
    setBackend(previous);
    backend.dispose();
  }
  return { threads: fast.threads, fma: fast.fma, results };
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

function trainStepMs(shape: BenchDecoderShape, reps: number): number {
  const run = buildTrainStep(shape);
  try {
    return medianMs(run.step, { reps, warmup: 3 });
  } finally {
    run.dispose();
  }
}
