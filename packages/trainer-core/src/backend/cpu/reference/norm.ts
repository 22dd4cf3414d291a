/** RMSNorm and LayerNorm over the last axis, forward and backward, statistics in f64. */
import type { FloatArray } from '../../../tensor/dtype.js';

/** y = x * rsqrt(mean(x^2) + eps) * (w + offset); rstd[r] saved for the backward. */
export function rmsNormRows(
  y: FloatArray,
  rstd: FloatArray,
  x: FloatArray,
  w: FloatArray,
  rows: number,
  n: number,
  eps: number,
  offset: number,
): void {
  const wp = new Float64Array(n);
  for (let j = 0; j < n; j++) wp[j] = w[j]! + offset;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let ss = 0;
    for (let j = 0; j < n; j++) {
      const v = x[base + j]!;
      ss += v * v;
    }
    const rs = 1 / Math.sqrt(ss / n + eps);
    rstd[r] = rs;
    for (let j = 0; j < n; j++) y[base + j] = x[base + j]! * rs * wp[j]!;
  }
}

/**
 * With w' = w + offset and r = rstd: dx = r * w' * dy - x * r^3 / n * sum(w' * dy * x),
 * dw = sum over rows of dy * x * r. dw is skipped when not wanted.
 */
export function rmsNormGradRows(
  dx: FloatArray,
  dw: FloatArray | undefined,
  x: FloatArray,
  w: FloatArray,
  rstd: FloatArray,
  dy: FloatArray,
  rows: number,
  n: number,
  offset: number,
): void {
  const wp = new Float64Array(n);
  for (let j = 0; j < n; j++) wp[j] = w[j]! + offset;
  const acc = dw ? new Float64Array(n) : undefined;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const rs = rstd[r]!;
    let dot = 0;
    for (let j = 0; j < n; j++) dot += wp[j]! * dy[base + j]! * x[base + j]!;
    const c = (dot * rs * rs * rs) / n;
    if (acc) {
      for (let j = 0; j < n; j++) {
        const xv = x[base + j]!;
        const g = dy[base + j]!;
        dx[base + j] = rs * wp[j]! * g - c * xv;
        acc[j]! += g * xv * rs;
      }
    } else {
      for (let j = 0; j < n; j++) dx[base + j] = rs * wp[j]! * dy[base + j]! - c * x[base + j]!;
    }
  }
  if (dw && acc) for (let j = 0; j < n; j++) dw[j] = acc[j]!;
}

/** y = (x - mean) * rstd * w + b (biased variance, as torch.nn.LayerNorm). */
export function layerNormRows(
  y: FloatArray,
  meanOut: FloatArray,
  rstdOut: FloatArray,
  x: FloatArray,
  w: FloatArray,
  b: FloatArray | undefined,
  rows: number,
  n: number,
  eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += x[base + j]!;
    const mean = s / n;
    let v = 0;
    for (let j = 0; j < n; j++) {
      const d = x[base + j]! - mean;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / n + eps);
    meanOut[r] = mean;
    rstdOut[r] = rs;
    for (let j = 0; j < n; j++) y[base + j] = (x[base + j]! - mean) * rs * w[j]! + (b ? b[j]! : 0);
  }
}

/** dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * w; dw = sum dy * xhat; db = sum dy. */
export function layerNormGradRows(
  dx: FloatArray,
  dw: FloatArray | undefined,
  db: FloatArray | undefined,
  x: FloatArray,
  w: FloatArray,
  meanIn: FloatArray,
  rstdIn: FloatArray,
  dy: FloatArray,
  rows: number,
  n: number,
): void {
  const accW = dw ? new Float64Array(n) : undefined;
  const accB = db ? new Float64Array(n) : undefined;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const mean = meanIn[r]!;
    const rs = rstdIn[r]!;
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < n; j++) {
      const g = dy[base + j]! * w[j]!;
      const xhat = (x[base + j]! - mean) * rs;
      sg += g;
      sgx += g * xhat;
    }
    sg /= n;
    sgx /= n;
    for (let j = 0; j < n; j++) {
      const xhat = (x[base + j]! - mean) * rs;
      dx[base + j] = rs * (dy[base + j]! * w[j]! - sg - xhat * sgx);
      if (accW) accW[j]! += dy[base + j]! * xhat;
      if (accB) accB[j]! += dy[base + j]!;
    }
  }
  if (dw && accW) for (let j = 0; j < n; j++) dw[j] = accW[j]!;
  if (db && accB) for (let j = 0; j < n; j++) db[j] = accB[j]!;
}
