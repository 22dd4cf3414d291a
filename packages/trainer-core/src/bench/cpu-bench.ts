/**
 * The CPU benchmark workloads, with the names and units of the PyTorch peer so the two can be
 * compared line by line: f32 matmul GFLOP/s at 256/512/1024 and one full training step
 * (forward, causal-LM loss over ids[:, 1:], backward, AdamW lr 1e-4) of the reference decoder.
 */
import { createCpuBackend } from '../backend/cpu/create-cpu-backend.js';
import { parseLlamaConfig } from '../models/llama/config.js';
import { LlamaForCausalLM } from '../models/llama/modeling.js';
import { tensor } from '../ops/create.js';
import { crossEntropy } from '../ops/loss.js';
import { matmul } from '../ops/matmul.js';
import { AdamW } from '../optim/adamw.js';
import { TrainingRng } from '../random/training-rng.js';
import { peekBackend, setBackend } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import { type BenchDecoderShape, benchDecoderConfig, REF_DECODER } from './ref-decoder.js';
import { medianMs } from './timing.js';

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

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function runCpuBenchmarks(opts: CpuBenchOptions = {}): Promise<CpuBenchReport> {
  const workloads = opts.workloads ?? CPU_BENCH_WORKLOADS;
  for (const w of workloads) {
    if (!CPU_BENCH_WORKLOADS.includes(w)) {
      throw new RangeError(`unknown workload "${w}" (expected one of ${CPU_BENCH_WORKLOADS.join(', ')})`);
    }
  }
  const reps = opts.reps ?? 7;
  const backend = await createCpuBackend({ heapBytes: 64 << 20, threads: opts.threads, fma: opts.fma });
  const fast = backend.fast!;
  const previous = peekBackend();
  setBackend(backend);
  const results: BenchResult[] = [];
  const emit = (workload: string, value: number, unit: string) => {
    const r = { workload, value: round3(value), unit };
    results.push(r);
    opts.onResult?.(r);
  };
  try {
    for (const w of workloads) {
      if (w === 'train_step_full') {
        const shape = opts.decoder ?? REF_DECODER;
        const ms = trainStepMs(shape, reps);
        emit('train_step_full', ms, 'ms');
        emit('train_step_full_tokens_per_s', (shape.batch * shape.seq) / (ms / 1000), 'tokens/s');
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

/** One step as the peer's: logits of ids[:, :-1], cross-entropy against ids[:, 1:], backward, AdamW. */
function trainStepMs(shape: BenchDecoderShape, reps: number): number {
  const model = new LlamaForCausalLM(parseLlamaConfig(benchDecoderConfig(shape), 'bench decoder'), { seed: 0 });
  const opt = new AdamW(model.namedParameters(), { lr: 1e-4 });
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
  try {
    return medianMs(step, { reps, warmup: 3 });
  } finally {
    for (const t of [idsT, labelsT]) t.dispose();
    opt.dispose();
    model.dispose();
  }
}
