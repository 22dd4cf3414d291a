/** Reductions. Sums accumulate in f64 whatever the storage type. */
import { axisRuns } from '../../../kernels/shapes/axis-runs.js';
import type { FloatArray } from '../../../tensor/dtype.js';

/** out[o, i] = sum_j x[o, j, i] over an [outer, n, inner] layout. */
export function sumAxis(out: FloatArray, x: FloatArray, outer: number, n: number, inner: number): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * n;
      for (let j = 0; j < n; j++) s += x[base + j]!;
      out[o] = s;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let j = 0; j < n; j++) {
      const base = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) acc[i]! += x[base + i]!;
    }
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = acc[i]!;
  }
}

/**
 * Sums `x` (contiguous, `shape`) over sorted unique `axes` into `out` (contiguous, the reduced
 * shape). Runs of adjacent axes are reduced in one pass; separate runs one after another.
 */
export function sumAxes(out: FloatArray, x: FloatArray, shape: readonly number[], axes: readonly number[]): void {
  const groups = axisRuns(axes);
  if (groups.length === 0) {
    out.set(x.subarray(0, out.length));
    return;
  }
  let cur: FloatArray = x;
  let curShape = [...shape];
  // Reduce the last group first so earlier axes keep their positions.
  for (let g = groups.length - 1; g >= 0; g--) {
    const [start, end] = groups[g]!;
    let outer = 1;
    let n = 1;
    let inner = 1;
    for (let i = 0; i < start; i++) outer *= curShape[i]!;
    for (let i = start; i < end; i++) n *= curShape[i]!;
    for (let i = end; i < curShape.length; i++) inner *= curShape[i]!;
    const dst = g === 0 ? out : new Float64Array(outer * inner);
    sumAxis(dst, cur, outer, n, inner);
    cur = dst;
    curShape = [...curShape.slice(0, start), ...curShape.slice(end)];
  }
}

/** Max over the middle axis of [outer, n, inner], with the index of the first maximum (NaN wins). */
export function maxAxis(
  values: FloatArray,
  indices: Int32Array,
  x: FloatArray,
  outer: number,
  n: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base]!;
      let arg = 0;
      if (!Number.isNaN(best)) {
        for (let j = 1; j < n; j++) {
          const v = x[base + j * inner]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            arg = j;
            if (Number.isNaN(v)) break;
          }
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = arg;
    }
  }
}

export function maxAxisGrad(
  dx: FloatArray,
  dy: FloatArray,
  indices: Int32Array,
  outer: number,
  n: number,
  inner: number,
): void {
  dx.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const k = o * inner + i;
      dx[(o * n + indices[k]!) * inner + i] = dy[k]!;
    }
  }
}

export function sumSquares(x: FloatArray, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    s += v * v;
  }
  return s;
}
