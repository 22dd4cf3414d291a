/**
 * Preference pairs as token ids, and the batches DPO trains on: chosen and rejected sequences
 * (prompt + completion) concatenated into one padded batch of 2B rows (chosen first), as TRL's
 * concatenated_forward does, so the shared model runs once. Truncation follows TRL's DPOConfig:
 * the prompt keeps its END (max_prompt_length), completions keep their start
 * (max_completion_length), then whole sequences are cut to max_length keeping the end
 * (truncation_mode "keep_end") or the start ("keep_start").
 */
import { type CausalLMBatch, IGNORE_INDEX } from '@guinav/trainer-core';

export interface PreferenceExample {
  prompt: Int32Array;
  chosen: Int32Array;
  rejected: Int32Array;
  /** Precomputed reference log-probabilities (precompute_ref_log_probs). */
  refChosenLogp?: number;
  refRejectedLogp?: number;
}

export interface PreferenceBatch extends CausalLMBatch {
  /** Pairs in the batch: rows [0, pairs) are chosen, [pairs, 2 pairs) rejected. */
  pairs: number;
  /** Precomputed reference log-probs, chosen then rejected (2 pairs values), when every example has them. */
  refLogps?: Float32Array;
}

export interface PreferenceCollateOptions {
  padId: number;
  maxPromptLength?: number | null;
  maxCompletionLength?: number | null;
  maxLength?: number | null;
  truncationMode?: 'keep_end' | 'keep_start';
}

function sequence(prompt: Int32Array, completion: Int32Array, o: PreferenceCollateOptions) {
  const p =
    o.maxPromptLength && prompt.length > o.maxPromptLength
      ? prompt.subarray(prompt.length - o.maxPromptLength)
      : prompt;
  const c = o.maxCompletionLength ? completion.subarray(0, o.maxCompletionLength) : completion;
  let ids = Int32Array.from([...p, ...c]);
  let labels = Int32Array.from([...new Array<number>(p.length).fill(IGNORE_INDEX), ...c]);
  const max = o.maxLength;
  if (max && ids.length > max) {
    const keepEnd = (o.truncationMode ?? 'keep_end') === 'keep_end';
    const from = keepEnd ? ids.length - max : 0;
    ids = ids.slice(from, from + max);
    labels = labels.slice(from, from + max);
  }
  return { ids, labels };
}

export function collatePreference(
  examples: readonly PreferenceExample[],
  o: PreferenceCollateOptions,
): PreferenceBatch {
  if (examples.length === 0) throw new RangeError('collatePreference: no examples');
  const rows = [
    ...examples.map((e) => sequence(e.prompt, e.chosen, o)),
    ...examples.map((e) => sequence(e.prompt, e.rejected, o)),
  ];
  const seq = Math.max(1, ...rows.map((r) => r.ids.length));
  const b = rows.length;
  const inputIds = new Int32Array(b * seq).fill(o.padId);
  const labels = new Int32Array(b * seq).fill(IGNORE_INDEX);
  const attentionMask = new Int32Array(b * seq);
  let tokens = 0;
  rows.forEach((r, i) => {
    inputIds.set(r.ids, i * seq);
    labels.set(r.labels, i * seq);
    attentionMask.fill(1, i * seq, i * seq + r.ids.length);
    tokens += r.ids.length;
  });
  const precomputed = examples.every((e) => e.refChosenLogp !== undefined && e.refRejectedLogp !== undefined);
  return {
    batch: b,
    seq,
    inputIds,
    labels,
    attentionMask,
    tokens,
    pairs: examples.length,
    refLogps: precomputed
      ? Float32Array.from([...examples.map((e) => e.refChosenLogp!), ...examples.map((e) => e.refRejectedLogp!)])
      : undefined,
  };
}
