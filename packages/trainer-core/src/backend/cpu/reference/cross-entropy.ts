/**
 * Token cross-entropy, fused: one pass per row computes the loss term, whether the first argmax
 * equals the label, and (optionally) the gradient of the mean loss with respect to the logits,
 * (softmax - onehot) / tokens, so the backward is a single scale. Rows whose label is the ignore
 * index or outside [0, vocab), or whose mask is 0, count nowhere.
 */
import type { FloatArray } from '../../../tensor/dtype.js';

export interface CrossEntropyResult {
  loss: number;
  accuracy: number;
  tokens: number;
}

export function crossEntropyRows(
  logits: FloatArray,
  labels: Int32Array,
  mask: ArrayLike<number> | undefined,
  rows: number,
  vocab: number,
  ignoreIndex: number,
  dlogits: FloatArray | undefined,
): CrossEntropyResult {
  const counted = (r: number) => {
    const label = labels[r]!;
    return label !== ignoreIndex && label >= 0 && label < vocab && !(mask && mask[r] === 0);
  };
  let tokens = 0;
  for (let r = 0; r < rows; r++) if (counted(r)) tokens++;
  const invTokens = tokens > 0 ? 1 / tokens : 0;
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * vocab;
    const label = labels[r]!;
    if (!counted(r)) {
      if (dlogits) dlogits.fill(0, base, base + vocab);
      continue;
    }
    let m = logits[base]!;
    let arg = 0;
    for (let j = 1; j < vocab; j++) {
      const v = logits[base + j]!;
      if (v > m) {
        m = v;
        arg = j;
      }
    }
    let s = 0;
    if (dlogits) {
      // Keep exp(x - m) in the gradient row, then scale it: one exp per logit.
      for (let j = 0; j < vocab; j++) {
        const e = Math.exp(logits[base + j]! - m);
        dlogits[base + j] = e;
        s += e;
      }
      const inv = invTokens / s;
      for (let j = 0; j < vocab; j++) dlogits[base + j]! *= inv;
      dlogits[base + label]! -= invTokens;
    } else {
      for (let j = 0; j < vocab; j++) s += Math.exp(logits[base + j]! - m);
    }
    lossSum += m + Math.log(s) - logits[base + label]!;
    if (arg === label) correct++;
  }
  return { loss: lossSum * invTokens, accuracy: correct * invTokens, tokens };
}

/** Per row: log_softmax(logits)[label], 0 for labels outside [0, vocab). */
export function tokenLogProbRows(
  out: FloatArray,
  logits: FloatArray,
  labels: Int32Array,
  rows: number,
  vocab: number,
): void {
  for (let r = 0; r < rows; r++) {
    const label = labels[r]!;
    if (label < 0 || label >= vocab) {
      out[r] = 0;
      continue;
    }
    const base = r * vocab;
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < vocab; j++) m = Math.max(m, logits[base + j]!);
    let s = 0;
    for (let j = 0; j < vocab; j++) s += Math.exp(logits[base + j]! - m);
    out[r] = logits[base + label]! - m - Math.log(s);
  }
}

/** dlogits = dlogp * (onehot(label) - softmax(logits)) per row; zero rows for labels outside [0, vocab). */
export function tokenLogProbGradRows(
  dlogits: FloatArray,
  logits: FloatArray,
  labels: Int32Array,
  dlogp: FloatArray,
  rows: number,
  vocab: number,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * vocab;
    const label = labels[r]!;
    if (label < 0 || label >= vocab) {
      dlogits.fill(0, base, base + vocab);
      continue;
    }
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < vocab; j++) m = Math.max(m, logits[base + j]!);
    let s = 0;
    for (let j = 0; j < vocab; j++) s += Math.exp(logits[base + j]! - m);
    const g = dlogp[r]!;
    for (let j = 0; j < vocab; j++) dlogits[base + j] = -g * (Math.exp(logits[base + j]! - m) / s);
    dlogits[base + label]! += g;
  }
}
