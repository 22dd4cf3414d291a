/**
 * Choosing the next token from one row of logits, on the host, with transformers' semantics:
 * greedy is the first maximum; sampling applies temperature, then top-k (ties with the k-th
 * logit are kept), then top-p (drop the least likely tokens whose cumulative probability, counted
 * from the least likely, stays <= 1 - p; the most likely token always stays), then draws from
 * the softmax of what is left with a seeded generator.
 */
import type { TrainingRng } from '../random/training-rng.js';

export interface SamplingOptions {
  /** 0 or undefined: greedy. */
  temperature?: number;
  /** Keep the k most likely tokens (0 or undefined: all). */
  topK?: number;
  /** Keep the most likely tokens covering this probability mass (1 or undefined: all). */
  topP?: number;
}

export function checkSamplingOptions(o: SamplingOptions): void {
  const { temperature, topK, topP } = o;
  if (temperature !== undefined && !(temperature >= 0 && Number.isFinite(temperature))) {
    throw new RangeError(`temperature must be a finite number >= 0, got ${temperature}`);
  }
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 0)) {
    throw new RangeError(`top-k must be an integer >= 0, got ${topK}`);
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${topP}`);
}

export function isGreedy(o: SamplingOptions): boolean {
  return !o.temperature;
}

/** Index of the first maximum. */
export function argmaxRow(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/**
 * The probabilities sampling draws from: softmax(logits / temperature) restricted to the
 * top-k / top-p survivors (0 elsewhere), in f64.
 */
export function samplingDistribution(logits: ArrayLike<number>, o: SamplingOptions): Float64Array {
  const n = logits.length;
  const t = o.temperature || 1;
  const scores = Float64Array.from({ length: n }, (_, i) => logits[i]! / t);
  const kept = new Uint8Array(n).fill(1);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  if (o.topK && o.topK < n) {
    const threshold = scores[order[o.topK - 1]!]!;
    for (let i = 0; i < n; i++) if (scores[i]! < threshold) kept[i] = 0;
  }
  const softmax = (mask: Uint8Array) => {
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (mask[i] && scores[i]! > max) max = scores[i]!;
    const p = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) if (mask[i]) sum += p[i] = Math.exp(scores[i]! - max);
    for (let i = 0; i < n; i++) p[i]! /= sum;
    return p;
  };
  if (o.topP !== undefined && o.topP < 1) {
    const p = softmax(kept);
    // From the least likely up: drop while the running mass stays <= 1 - p, keeping the top token.
    let mass = 0;
    for (let r = n - 1; r >= 1; r--) {
      const i = order[r]!;
      mass += p[i]!;
      if (mass <= 1 - o.topP) kept[i] = 0;
      else break;
    }
  }
  return softmax(kept);
}

/** The next token: greedy, or a draw from `samplingDistribution` with `rng`. */
export function chooseToken(logits: ArrayLike<number>, o: SamplingOptions, rng: TrainingRng): number {
  if (isGreedy(o)) return argmaxRow(logits);
  const p = samplingDistribution(logits, o);
  const u = rng.uniform();
  let acc = 0;
  let last = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    acc += p[i]!;
    last = i;
    if (u < acc) return i;
  }
  return last;
}
