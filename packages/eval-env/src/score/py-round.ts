import { roundHalfEven } from '@guinav/data-gen';

/**
 * The rounding and averaging GUI-Odyssey's official evaluator does in Python and numpy, so that
 * figures agree to the last printed digit. Python's `round(x, 2)` and numpy's `np.round(x, 2)`
 * differ: Python rounds the exact binary value of x (0.125 -> 0.12, 2.675 -> 2.67, since 2.675
 * is stored as 2.67499...), numpy rounds x * 100 half to even (2.675 * 100 = 267.5 -> 2.68).
 */

/** Python's `round(x, 2)`: the correctly rounded 2-decimal value of x, ties to even. */
export function pyRound2(x: number): number {
  // An exact tie at the second decimal needs x = odd / 8 (0.125, 0.375, ...); toFixed would
  // round those away from zero, Python to the even neighbour.
  if (Number.isInteger(x * 8) && !Number.isInteger(x * 4)) {
    const n = Math.floor(x * 100);
    return (n % 2 === 0 ? n : n + 1) / 100;
  }
  return Number(x.toFixed(2));
}

/** numpy's `np.round(x, 2)`: `rint(x * 100) / 100`, ties to even. */
export function npRound2(x: number): number {
  return roundHalfEven(x * 100) / 100;
}

/** numpy's `np.mean` of float64 values: pairwise summation (8 accumulators from 8 values on) divided by the count. */
export function npMean(values: readonly number[]): number {
  return pairwiseSum(values, 0, values.length) / values.length;
}

function pairwiseSum(a: readonly number[], start: number, n: number): number {
  const at = (i: number) => a[start + i] as number;
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += at(i);
    return sum;
  }
  if (n <= 128) {
    const r = Array.from({ length: 8 }, (_, j) => at(j));
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + at(i + j);
    const [r0, r1, r2, r3, r4, r5, r6, r7] = r as [number, number, number, number, number, number, number, number];
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) sum += at(i);
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
}
