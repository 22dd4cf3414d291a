/** Row-wise softmax and log-softmax over the last axis, with their backwards. */
import type { FloatArray } from '../../../tensor/dtype.js';

export function softmaxRows(out: FloatArray, x: FloatArray, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) if (x[base + j]! > m) m = x[base + j]!;
    let s = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(x[base + j]! - m);
      out[base + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < n; j++) out[base + j]! *= inv;
  }
}

export function logSoftmaxRows(out: FloatArray, x: FloatArray, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) if (x[base + j]! > m) m = x[base + j]!;
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(x[base + j]! - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < n; j++) out[base + j] = x[base + j]! - lse;
  }
}

/** dx = y * (dy - sum(dy * y)). */
export function softmaxGradRows(dx: FloatArray, y: FloatArray, dy: FloatArray, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let dot = 0;
    for (let j = 0; j < n; j++) dot += dy[base + j]! * y[base + j]!;
    for (let j = 0; j < n; j++) dx[base + j] = y[base + j]! * (dy[base + j]! - dot);
  }
}

/** dx = dy - softmax * sum(dy), with softmax = exp(y) for the log-softmax output y. */
export function logSoftmaxGradRows(dx: FloatArray, y: FloatArray, dy: FloatArray, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += dy[base + j]!;
    for (let j = 0; j < n; j++) dx[base + j] = dy[base + j]! - Math.exp(y[base + j]!) * s;
  }
}
