/**
 * precompute_ref_log_probs, as TRL's DPOTrainer does it: before training, one pass over a data
 * set in its own order (no shuffling), in batches collated as for training, scoring each pair with
 * the reference model without gradients; the log-probs are stored on the examples, so training
 * batches carry them (`refLogps`) and need no reference forward, and the reference need not stay
 * in memory. Unlike TRL, which refuses vision data sets here (its cache is an Arrow column), the
 * screenshots are simply read again per batch, so VLM pairs work too.
 */
import { noGrad, type Tensor, tidy } from '@guinav/trainer-core';
import type { DpoLossType } from './dpo-loss.js';
import type { PreferenceBatch, PreferenceExample } from './preference-batch.js';
import { sequenceLogps } from './sequence-logps.js';

export interface PrecomputeReferenceOptions<E, B> {
  /** The training collate (the same padding and truncation the training batches get). */
  collate: (examples: E[]) => B | Promise<B>;
  /** The reference's logits [2 pairs, seq, vocab]. */
  reference: (batch: B) => Tensor;
  /** TRL: precompute_ref_batch_size, else per_device_train_batch_size (eval: per_device_eval_batch_size). */
  batchSize: number;
  /** The loss the log-probs are for (IPO averages over completion tokens). */
  lossType?: DpoLossType;
  /** After each batch: pairs scored so far, of all. */
  onProgress?: (done: number, total: number) => void;
  /** Stops before the next batch (rejecting with the signal's reason). */
  signal?: AbortSignal;
}

/** Copies of `examples` with `refChosenLogp` / `refRejectedLogp` set from the reference. */
export async function precomputeReferenceLogps<E extends PreferenceExample, B extends PreferenceBatch>(
  examples: readonly E[],
  o: PrecomputeReferenceOptions<E, B>,
): Promise<E[]> {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
    throw new RangeError(`precomputeReferenceLogps: batch size must be a positive integer, got ${o.batchSize}`);
  }
  const out: E[] = [];
  for (let start = 0; start < examples.length; start += o.batchSize) {
    o.signal?.throwIfAborted();
    const part = examples.slice(start, start + o.batchSize);
    const batch = await o.collate(part);
    const logps = noGrad(() => tidy(() => sequenceLogps(o.reference(batch), batch, o.lossType)));
    let values: Float32Array;
    try {
      values = Float32Array.from(await logps.data());
    } finally {
      logps.dispose();
    }
    part.forEach((e, i) => {
      out.push({ ...e, refChosenLogp: values[i]!, refRejectedLogp: values[part.length + i]! });
    });
    o.onProgress?.(out.length, examples.length);
  }
  return out;
}
