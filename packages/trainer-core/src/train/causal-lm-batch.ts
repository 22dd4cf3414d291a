/**
 * Token examples and the padded batches a causal LM trains on. Labels follow transformers: they
 * are aligned with input_ids (the model shifts them), -100 wherever no loss is taken (the prompt
 * under completion-only loss, and padding).
 */
import { IGNORE_INDEX } from '../ops/loss.js';

export interface TokenizedExample {
  inputIds: Int32Array;
  /** Same length as inputIds; IGNORE_INDEX where no loss is taken. */
  labels: Int32Array;
}

export interface CausalLMBatch {
  batch: number;
  seq: number;
  /** [batch, seq], right-padded with the pad id. */
  inputIds: Int32Array;
  /** [batch, seq], aligned with inputIds (not shifted). */
  labels: Int32Array;
  /** [batch, seq], 1 = token, 0 = padding. */
  attentionMask: Int32Array;
  /** Non-padding tokens in the batch. */
  tokens: number;
}

export interface CollateOptions {
  padId: number;
  /** Truncate longer examples, keeping their start (TRL's SFT truncation). */
  maxLength?: number | null;
}

export function collateCausalLM(examples: readonly TokenizedExample[], options: CollateOptions): CausalLMBatch {
  if (examples.length === 0) throw new RangeError('collateCausalLM: no examples');
  const limit = options.maxLength ?? Number.POSITIVE_INFINITY;
  const lengths = examples.map((e) => {
    if (e.labels.length !== e.inputIds.length) {
      throw new RangeError(
        `collateCausalLM: labels (${e.labels.length}) and input ids (${e.inputIds.length}) differ in length`,
      );
    }
    return Math.min(e.inputIds.length, limit);
  });
  const seq = Math.max(1, ...lengths);
  const b = examples.length;
  const inputIds = new Int32Array(b * seq).fill(options.padId);
  const labels = new Int32Array(b * seq).fill(IGNORE_INDEX);
  const attentionMask = new Int32Array(b * seq);
  let tokens = 0;
  examples.forEach((e, i) => {
    const n = lengths[i]!;
    inputIds.set(e.inputIds.subarray(0, n), i * seq);
    labels.set(e.labels.subarray(0, n), i * seq);
    attentionMask.fill(1, i * seq, i * seq + n);
    tokens += n;
  });
  return { batch: b, seq, inputIds, labels, attentionMask, tokens };
}

/** Causal-LM shift of aligned labels: target at t is the label at t + 1; the last position gets none. */
export function shiftAlignedLabels(labels: Int32Array, batch: number, seq: number): Int32Array {
  const out = new Int32Array(batch * seq).fill(IGNORE_INDEX);
  for (let b = 0; b < batch; b++) out.set(labels.subarray(b * seq + 1, (b + 1) * seq), b * seq);
  return out;
}
