/** The fused token cross-entropy kernel (causal-LM / SFT loss). */
import { formatShape } from '../tensor/shape.js';
import { defineKernel, type TensorMeta } from './define.js';
import { floatDType, requireDType, requireRank } from './infer.js';

/**
 * [logits [N, V], labels i32 [N], mask? i32 [N]] -> [loss [], accuracy [], tokens i32 [], dlogits [N, V]?].
 * Mean token cross-entropy over the rows that count: label in [0, V) and mask non-zero. Rows whose
 * label is the ignore index, or lies outside [0, V), count nowhere (kernels never read outside a
 * row; labels are validated where they are made, see checkLabels). accuracy = share of counted
 * rows whose first argmax is the label. With `withGrad`, also d(mean loss)/d(logits).
 */
export const CrossEntropy = defineKernel<{ ignoreIndex: number; withGrad: boolean }>('CrossEntropy', {
  inputs: ['logits', 'labels', 'mask?'],
  outputs: ['loss', 'accuracy', 'tokens', 'dlogits?'],
  specialize: ['withGrad'],
  differentiable: true,
  infer: ([logits, labels, mask], { withGrad, ignoreIndex }) => {
    const K = 'CrossEntropy';
    const dtype = floatDType(K, [logits], ['logits']);
    requireRank(K, logits!, 'logits', 2, '[N, V]');
    requireDType(K, labels!, 'labels', 'i32');
    if (!Number.isInteger(ignoreIndex))
      throw new RangeError(`${K}: ignoreIndex must be an integer, got ${ignoreIndex}`);
    const rows = logits!.shape[0]!;
    for (const [t, name] of [
      [labels, 'labels'],
      [mask, 'mask'],
    ] as const) {
      if (!t) continue;
      if (t.shape.length !== 1 || t.shape[0] !== rows) {
        throw new RangeError(`${K}: ${name} must be [${rows}], got ${formatShape(t.shape)}`);
      }
    }
    if (mask) requireDType(K, mask, 'mask', 'i32');
    const out: TensorMeta[] = [
      { shape: [], dtype },
      { shape: [], dtype },
      { shape: [], dtype: 'i32' },
    ];
    if (withGrad) out.push({ shape: logits!.shape, dtype });
    return out;
  },
});

/**
 * [logits [N, V], labels i32 [N]] -> [logp [N]]: log_softmax(logits)[label] per row, 0 for a label
 * outside [0, V) (the ignore index). Sequence log-probabilities (DPO, GRPO) sum these.
 */
export const TokenLogProbs = defineKernel<Record<string, never>>('TokenLogProbs', {
  inputs: ['logits', 'labels'],
  outputs: ['logp'],
  differentiable: true,
  infer: ([logits, labels]) => {
    const K = 'TokenLogProbs';
    const dtype = floatDType(K, [logits], ['logits']);
    requireRank(K, logits!, 'logits', 2, '[N, V]');
    requireDType(K, labels!, 'labels', 'i32');
    const rows = logits!.shape[0]!;
    if (labels!.shape.length !== 1 || labels!.shape[0] !== rows) {
      throw new RangeError(`${K}: labels must be [${rows}], got ${formatShape(labels!.shape)}`);
    }
    return [{ shape: [rows], dtype }];
  },
});

/** [logits, labels, dlogp [N]] -> [dlogits [N, V]] = dlogp * (onehot(label) - softmax(logits)); 0 rows where left out. */
export const TokenLogProbsGrad = defineKernel<Record<string, never>>('TokenLogProbsGrad', {
  inputs: ['logits', 'labels', 'dlogp'],
  outputs: ['dlogits'],
  differentiable: false,
  infer: ([logits, labels, dlogp]) => {
    const K = 'TokenLogProbsGrad';
    const dtype = floatDType(K, [logits, dlogp], ['logits', 'dlogp']);
    requireRank(K, logits!, 'logits', 2, '[N, V]');
    requireDType(K, labels!, 'labels', 'i32');
    const rows = logits!.shape[0]!;
    for (const [t, name] of [
      [labels!, 'labels'],
      [dlogp!, 'dlogp'],
    ] as const) {
      if (t.shape.length !== 1 || t.shape[0] !== rows) {
        throw new RangeError(`${K}: ${name} must be [${rows}], got ${formatShape(t.shape)}`);
      }
    }
    return [{ shape: logits!.shape, dtype }];
  },
});
