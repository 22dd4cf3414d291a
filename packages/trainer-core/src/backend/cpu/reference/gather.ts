/** Indexing: gather rows along an axis (embedding lookup) and its scatter-add backward, concat. */

/**
 * out[o, m, i] = x[o, idx[m], i] over x as [outer, n, inner] and out as [outer, count, inner];
 * an index outside [0, n) gives zeros.
 */
export function gatherAxis(
  out: { [i: number]: number },
  x: ArrayLike<number>,
  idx: Int32Array,
  outer: number,
  n: number,
  inner: number,
): void {
  const count = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let m = 0; m < count; m++) {
      const j = idx[m]!;
      const dst = (o * count + m) * inner;
      if (j < 0 || j >= n) {
        for (let i = 0; i < inner; i++) out[dst + i] = 0;
        continue;
      }
      const src = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = x[src + i]!;
    }
  }
}

/** dx[o, idx[m], i] += dy[o, m, i]; dx is zeroed first; indices outside [0, n) add nothing. */
export function gatherAxisGrad(
  dx: Float32Array | Float64Array,
  dy: ArrayLike<number>,
  idx: Int32Array,
  outer: number,
  n: number,
  inner: number,
): void {
  dx.fill(0);
  const count = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let m = 0; m < count; m++) {
      const j = idx[m]!;
      if (j < 0 || j >= n) continue;
      const dst = (o * n + j) * inner;
      const src = (o * count + m) * inner;
      for (let i = 0; i < inner; i++) dx[dst + i]! += dy[src + i]!;
    }
  }
}

/** Copies `x` ([outer, n, inner]) into `out` ([outer, total, inner]) at position `start` of the axis. */
export function concatPart(
  out: { [i: number]: number },
  x: ArrayLike<number>,
  outer: number,
  n: number,
  inner: number,
  total: number,
  start: number,
): void {
  const row = n * inner;
  for (let o = 0; o < outer; o++) {
    const src = o * row;
    const dst = (o * total + start) * inner;
    for (let i = 0; i < row; i++) out[dst + i] = x[src + i]!;
  }
}
