/**
 * The GRPO loss of TRL / ms-swift 3.5, per completion token t of row i:
 *   ratio = exp(logp - logp_old)
 *   loss_t = -min(ratio * A_i, clip(ratio, 1 - epsilon_low, 1 + epsilon_high) * A_i) + beta * KL_t
 *   KL_t = exp(logp_ref - logp) - (logp_ref - logp) - 1        (the k3 estimator, >= 0)
 * reduced by `loss_type` (grpo: mean over rows of the row's token mean; bnpo: mean over all
 * completion tokens; dr_grpo: sum / (rows x max_completion_length)). With one policy update per
 * generation (num_iterations 1), logp_old is logp itself, detached: the ratio is 1 and its
 * gradient is the policy gradient. The token weights of each reduction come from the host mask,
 * so nothing is read back.
 */
import { scalar, tensor } from '../ops/create.js';
import { add, compare, exp, maximum, minimum, mul, neg, scale, sub } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';

export type GrpoLossType = 'grpo' | 'bnpo' | 'dr_grpo';

/** Reduction weights over [rows, seq] from the completion mask (1 = a completion token). */
export function grpoTokenWeights(
  mask: Float32Array,
  rows: number,
  seq: number,
  lossType: GrpoLossType,
  maxCompletionLength: number,
): { loss: Float32Array; tokenMean: Float32Array } {
  const perRow = new Float64Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < seq; t++) perRow[r]! += mask[r * seq + t]!;
    total += perRow[r]!;
  }
  const loss = new Float32Array(rows * seq);
  const tokenMean = new Float32Array(rows * seq);
  for (let r = 0; r < rows; r++) {
    const w =
      lossType === 'grpo'
        ? 1 / (rows * Math.max(perRow[r]!, 1))
        : lossType === 'bnpo'
          ? 1 / Math.max(total, 1)
          : 1 / (rows * maxCompletionLength);
    for (let t = 0; t < seq; t++) {
      const m = mask[r * seq + t]!;
      loss[r * seq + t] = m * w;
      tokenMean[r * seq + t] = m / Math.max(total, 1);
    }
  }
  return { loss, tokenMean };
}

export interface GrpoLossInputs {
  /** [rows, seq] per-token log-probabilities of the policy (with gradient). */
  logps: Tensor;
  /** [rows, seq] of the policy that generated the completions; default: logps, detached. */
  oldLogps?: Tensor;
  /** [rows, seq] of the reference model; needed when beta > 0. */
  refLogps?: Tensor;
  /** [rows] advantages. */
  advantages: Float32Array | Float64Array;
  /** [rows, seq] 1 on completion tokens. */
  mask: Float32Array;
}

export interface GrpoLossOptions {
  beta: number;
  epsilonLow: number;
  epsilonHigh: number;
  lossType: GrpoLossType;
  maxCompletionLength: number;
}

export interface GrpoLossResult {
  loss: Tensor;
  /** Mean KL over completion tokens (present when beta > 0). */
  kl?: Tensor;
  /** Share of completion tokens whose ratio was clipped in the direction that matters (ms-swift's region ratio). */
  clipRatio: Tensor;
}

export function grpoLoss(inputs: GrpoLossInputs, o: GrpoLossOptions): GrpoLossResult {
  const { logps, mask } = inputs;
  const [rows, seq] = logps.shape as [number, number];
  if (mask.length !== rows * seq || inputs.advantages.length !== rows) {
    throw new RangeError(`grpoLoss: mask or advantages do not match logps [${rows}, ${seq}]`);
  }
  if (o.beta > 0 && !inputs.refLogps) throw new Error('grpoLoss: beta > 0 needs the reference log-probs');
  const weights = grpoTokenWeights(mask, rows, seq, o.lossType, o.maxCompletionLength);
  const lossWeights = tensor(weights.loss, [rows, seq]);
  const tokenMean = tensor(weights.tokenMean, [rows, seq]);
  const advantages = tensor(Float32Array.from(inputs.advantages), [rows, 1]);
  const old = inputs.oldLogps ?? logps.detach();
  const ratio = exp(sub(logps, old));
  const low = scalar(1 - o.epsilonLow);
  const high = scalar(1 + o.epsilonHigh);
  const clipped = minimum(maximum(ratio, low), high);
  let perToken = neg(minimum(mul(ratio, advantages), mul(clipped, advantages)));
  let kl: Tensor | undefined;
  if (o.beta > 0) {
    const delta = sub(inputs.refLogps!, logps);
    const perTokenKl = sub(sub(exp(delta), delta), scalar(1));
    perToken = add(perToken, scale(perTokenKl, o.beta));
    kl = sum(mul(perTokenKl.detach(), tokenMean));
  }
  const zero = scalar(0);
  const r = ratio.detach();
  const lowClipped = mul(compare(r, low, 'lt'), compare(advantages, zero, 'lt'));
  const highClipped = mul(compare(r, high, 'gt'), compare(advantages, zero, 'gt'));
  const clipRatio = sum(mul(maximum(lowClipped, highClipped), tokenMean));
  return { loss: sum(mul(perToken, lossWeights)), ...(kl ? { kl } : {}), clipRatio };
}
