/** The benchmark workloads every backend runs: square matmul operands and one decoder training step. */
import { applyLora } from '../lora/apply-lora.js';
import { parseLlamaConfig } from '../models/llama/config.js';
import { LlamaForCausalLM } from '../models/llama/modeling.js';
import { tensor } from '../ops/create.js';
import { crossEntropy } from '../ops/loss.js';
import { AdamW } from '../optim/adamw.js';
import { quantizableLinears, quantizeModelNf4 } from '../quant/quantize-model.js';
import { TrainingRng } from '../random/training-rng.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BenchResult } from './cpu-bench.js';
import { type BenchDecoderShape, benchDecoderConfig } from './ref-decoder.js';

/** Two seeded n x n f32 matrices on the current backend (N(0, 1), as the peer's torch.randn). */
export function squareOperands(n: number): [Tensor, Tensor] {
  const rng = new TrainingRng(0);
  const data = () => {
    const d = new Float32Array(n * n);
    rng.fillNormal(d, 0, 1);
    return d;
  };
  return [tensor(data(), [n, n]), tensor(data(), [n, n])];
}

export interface TrainStep {
  /** One step as the peer's: logits of ids[:, :-1], cross-entropy against ids[:, 1:], backward, AdamW lr 1e-4. */
  step(): void;
  /** NF4 runs: the quantized linear layers' bytes on the CPU heap and their parameter count. */
  quantized?: { bytes: number; params: number };
  dispose(): void;
}

/** What the step trains: the whole model, or LoRA adapters on a full-precision or NF4 base. */
export interface TrainSetup {
  lora?: boolean;
  nf4?: boolean;
}

/** The peer's LoRA: r 16, alpha 32, no dropout, on every projection of the decoder layers. */
export const BENCH_LORA = {
  r: 16,
  alpha: 32,
  dropout: 0,
  rslora: false,
  targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
};

/**
 * A seeded decoder of `shape`, its optimizer and one fixed batch, on the current backend. With
 * `nf4` the linear layers are quantized (double quantization, as QLoRA) before LoRA is added;
 * `heapBytes` (the CPU heap's live bytes) measures what they take.
 */
export async function buildTrainStep(
  shape: BenchDecoderShape,
  setup: TrainSetup = {},
  heapBytes?: () => number,
): Promise<TrainStep> {
  const model = new LlamaForCausalLM(parseLlamaConfig(benchDecoderConfig(shape), 'bench decoder'), { seed: 0 });
  let quantized: TrainStep['quantized'];
  if (setup.nf4) {
    const params = quantizableLinears(model).reduce((n, l) => n + l.linear.weight.size, 0);
    const before = (heapBytes?.() ?? 0) - params * 4;
    await quantizeModelNf4(model, { doubleQuant: true });
    if (heapBytes) quantized = { bytes: heapBytes() - before, params };
  }
  if (setup.lora) applyLora(model, BENCH_LORA);
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
  return {
    quantized,
    step: () => {
      tidy(() => crossEntropy(model.forward(idsT), labelsT).loss.backward());
      opt.step();
      opt.zeroGrad();
    },
    dispose: () => {
      for (const t of [idsT, labelsT]) t.dispose();
      opt.dispose();
      model.dispose();
    },
  };
}

/** Refuses a workload name outside `known`, listing the accepted ones. */
export function checkWorkloads(workloads: readonly string[], known: readonly string[]): void {
  for (const w of workloads) {
    if (!known.includes(w)) throw new RangeError(`unknown workload "${w}" (expected one of ${known.join(', ')})`);
  }
}

/** Collects results (values rounded to 3 decimals), passing each to `onResult` as it comes. */
export function benchResults(onResult?: (r: BenchResult) => void) {
  const results: BenchResult[] = [];
  const emit = (workload: string, value: number, unit: string) => {
    const r = { workload, value: Math.round(value * 1000) / 1000, unit };
    results.push(r);
    onResult?.(r);
  };
  /** A training step's time and its tokens per second. */
  const emitStep = (workload: string, shape: BenchDecoderShape, ms: number) => {
    emit(workload, ms, 'ms');
    emit(`${workload}_tokens_per_s`, (shape.batch * shape.seq) / (ms / 1000), 'tokens/s');
  };
  return { results, emit, emitStep };
}
