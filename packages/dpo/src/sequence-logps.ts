/**
 * Per-row completion log-probabilities of a preference batch, shared by the DPO objective and the
 * reference pre-pass, so a precomputed reference log-prob is exactly what the live reference would
 * have given: the SUM over completion tokens (the mean for IPO, as current TRL).
 */
import { div, shiftAlignedLabels, sum, type Tensor, tensor, tokenLogProbs } from '@guinav/trainer-core';
import type { DpoLossType } from './dpo-loss.js';
import type { PreferenceBatch } from './preference-batch.js';

export interface CompletionMask {
  /** [batch, seq] 1 where the next token is a completion token. */
  mask: Tensor;
  /** Completion tokens per row. */
  counts: Float32Array;
}

export function completionMask(batch: PreferenceBatch): CompletionMask & { labels: Tensor } {
  const shifted = shiftAlignedLabels(batch.labels, batch.batch, batch.seq);
  const maskValues = Float32Array.from(shifted, (l) => (l >= 0 ? 1 : 0));
  const counts = new Float32Array(batch.batch);
  maskValues.forEach((m, i) => {
    counts[Math.floor(i / batch.seq)]! += m;
  });
  return {
    labels: tensor(shifted, [batch.batch, batch.seq], 'i32'),
    mask: tensor(maskValues, [batch.batch, batch.seq]),
    counts,
  };
}

/** [batch] log-prob of each row's completion under `logits` [batch, seq, vocab]. */
export function sequenceLogps(
  logits: Tensor,
  batch: PreferenceBatch,
  lossType: DpoLossType | undefined,
  m: CompletionMask & { labels: Tensor } = completionMask(batch),
): Tensor {
  const logps = sum(tokenLogProbs(logits, m.labels), 1);
  return lossType === 'ipo' ? completionMean(logps, m.counts) : logps;
}

/** Summed completion log-probs divided by each row's completion token count (IPO's per-token mean). */
export function completionMean(sums: Tensor, counts: Float32Array): Tensor {
  return div(
    sums,
    tensor(
      counts.map((c) => Math.max(c, 1)),
      [counts.length],
    ),
  );
}
