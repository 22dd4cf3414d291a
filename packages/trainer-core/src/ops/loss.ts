/** Token-level cross-entropy (the causal-LM / SFT loss) with ignore label and mask. */

import { registerGradient } from '../autograd/gradients.js';
import { recordOp, runOp, shouldRecord } from '../autograd/record.js';
import { CrossEntropy, Mul, TokenLogProbs, TokenLogProbsGrad } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { cast } from './elementwise.js';
import { reshape } from './shape-ops.js';
import { checkLabels, debugInts } from './validate-data.js';

export const IGNORE_INDEX = -100;

export interface CrossEntropyOptions {
  /** Label value that contributes nothing (default -100, as PyTorch and Hugging Face). */
  ignoreIndex?: number;
  /** Per-token mask with the labels' shape (any dtype); tokens where it is 0 are left out. */
  mask?: Tensor;
}

export interface CrossEntropyResult {
  /** Mean cross-entropy over the counted tokens (0 when none are counted). Differentiable. */
  loss: Tensor;
  /** Share of counted tokens whose first argmax equals the label (TRL's mean_token_accuracy). */
  accuracy: Tensor;
  /** Number of counted tokens (i32 scalar). */
  tokens: Tensor;
}

/**
 * Cross-entropy of `logits` [..., V] against i32 `labels` [...]. Labels are used as given: for a
 * causal LM, shift them first (label at position t is the token at t + 1; see shiftLabels).
 * Forward and backward are fused: the forward also produces d(loss)/d(logits).
 */
export function crossEntropy(logits: Tensor, labels: Tensor, options: CrossEntropyOptions = {}): CrossEntropyResult {
  logits.assertAlive('crossEntropy');
  labels.assertAlive('crossEntropy');
  if (labels.dtype !== 'i32') throw new TypeError(`crossEntropy: labels must be i32, got ${labels.describe()}`);
  const vocab = logits.shape[logits.rank - 1] ?? 0;
  if (labels.size * vocab !== logits.size || logits.rank !== labels.rank + 1) {
    throw new RangeError(
      `crossEntropy: logits ${formatShape(logits.shape)} do not match labels ${formatShape(labels.shape)} (expected [..., V] and [...])`,
    );
  }
  const mask = options.mask;
  if (mask && mask.size !== labels.size) {
    throw new RangeError(`crossEntropy: mask ${mask.describe()} does not match labels ${labels.describe()}`);
  }
  const ignoreIndex = options.ignoreIndex ?? IGNORE_INDEX;
  const hostLabels = debugInts(labels);
  if (hostLabels) {
    const m = mask && cast(mask, 'i32');
    try {
      checkLabels(hostLabels, m?.dataSync(), vocab, ignoreIndex);
    } finally {
      if (m && m !== mask) m.dispose();
    }
  }
  const record = shouldRecord([logits]);
  const rows = labels.size;
  const temps: Tensor[] = [];
  const flat = (t: Tensor, shape: number[]) => {
    const r = reshape(t, shape);
    if (r !== t) temps.push(r);
    return r;
  };
  const inputs = [flat(logits, [rows, vocab]), flat(labels, [rows])];
  if (mask) {
    const m = mask.dtype === 'i32' ? mask : cast(mask, 'i32');
    if (m !== mask) temps.push(m);
    inputs.push(flat(m, [rows]));
  }
  const outs = runKernel(CrossEntropy, inputs, { ignoreIndex, withGrad: record });
  for (const t of temps) t.dispose();
  const [loss, accuracy, tokens, dlogits] = outs as [Tensor, Tensor, Tensor, Tensor | undefined];
  if (record && dlogits) {
    recordOp(CrossEntropy, [logits], [loss], { ignoreIndex, withGrad: true }, [dlogits]);
    dlogits.dispose();
  }
  return { loss, accuracy, tokens };
}

registerGradient(CrossEntropy, {
  grad: ({ dy, saved, inputs }) => {
    const scaled = runKernel(Mul, [saved[0]!, dy], {})[0]!;
    return [reshape(scaled, inputs[0]!.shape)];
  },
});

/**
 * log p(label) under log_softmax(logits) for every position: logits [..., V], i32 labels [...]
 * -> [...]; 0 where the label is the ignore index (or out of range). Summing over a sequence's
 * completion positions gives its log-probability (DPO, GRPO). Fused: no [.., V] log-softmax is
 * kept; the backward recomputes the softmax from the saved logits.
 */
export function tokenLogProbs(logits: Tensor, labels: Tensor): Tensor {
  logits.assertAlive('tokenLogProbs');
  labels.assertAlive('tokenLogProbs');
  const vocab = logits.shape[logits.rank - 1] ?? 0;
  if (labels.size * vocab !== logits.size || logits.rank !== labels.rank + 1) {
    throw new RangeError(
      `tokenLogProbs: logits ${formatShape(logits.shape)} do not match labels ${formatShape(labels.shape)} (expected [..., V] and [...])`,
    );
  }
  const flatLogits = reshape(logits, [labels.size, vocab]);
  const flatLabels = reshape(labels, [labels.size]);
  const [logp] = runOp(TokenLogProbs, [flatLogits, flatLabels], {});
  const out = reshape(logp!, labels.shape);
  for (const t of [flatLogits, flatLabels, logp!]) if (t !== logits && t !== labels && t !== out) t.dispose();
  return out;
}

registerGradient(TokenLogProbs, {
  save: (inputs) => [inputs[0]!, inputs[1]!],
  grad: ({ dy, saved }) => [runKernel(TokenLogProbsGrad, [saved[0]!, saved[1]!, dy], {})[0]!, null],
});

/**
 * Causal-LM labels from input ids, as Hugging Face's ForCausalLMLoss: labels[t] = ids[t + 1],
 * the last position of each row gets the ignore index; positions where `attentionMask` is 0
 * (padding) are ignored too. Host-side, for building a batch.
 */
export function shiftLabels(
  ids: Int32Array,
  batch: number,
  seq: number,
  attentionMask?: ArrayLike<number>,
  ignoreIndex = IGNORE_INDEX,
): Int32Array {
  if (ids.length !== batch * seq)
    throw new RangeError(`shiftLabels: ${ids.length} ids for batch ${batch} x seq ${seq}`);
  const out = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seq; t++) {
      const i = b * seq + t;
      const next = i + 1;
      const valid = t + 1 < seq && attentionMask?.[next] !== 0;
      out[i] = valid ? ids[next]! : ignoreIndex;
    }
  }
  return out;
}
