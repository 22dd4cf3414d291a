/**
 * f32 arithmetic as bitsandbytes' CUDA kernels do it. The library is built with `--use_fast_math`,
 * which flushes subnormal operands and results to zero (`.ftz`); we mirror that, so quantizing
 * in TypeScript reproduces the kernels' bytes. What cannot be mirrored is the approximate
 * reciprocal fast math uses for `1.0f / x` (`rcp.approx.ftz.f32`, within about 1 ulp): we take
 * the correctly rounded reciprocal (see docs/quantization.md).
 */

const MIN_NORMAL = 2 ** -126;
const FLT_MAX = 3.4028234663852886e38;
export const NEG_FLT_MAX = -FLT_MAX;

/** A subnormal f32 becomes a zero of the same sign; everything else is unchanged. */
export function ftz(x: number): number {
  return Math.abs(x) >= MIN_NORMAL || x === 0 || Number.isNaN(x) ? x : x < 0 ? -0 : 0;
}

/** fmaxf: the larger operand; a NaN operand is ignored (the other is returned). */
export function fmaxf(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.max(a, b);
}

/** The f32 product of two f32 values, flushed (both the operands and the result). */
export function mulFtz(a: number, b: number): number {
  return ftz(Math.fround(ftz(a) * ftz(b)));
}

/** 1 / x as an f32, flushed. */
export function reciprocalFtz(x: number): number {
  return ftz(Math.fround(1 / ftz(x)));
}

/** The absmax a block quantizer starts from (-FLT_MAX, so an all-NaN block keeps it). */
export function blockAbsmax(values: Float32Array, start: number, end: number, padded: boolean): number {
  let m = NEG_FLT_MAX;
  for (let i = start; i < end; i++) m = fmaxf(m, Math.abs(ftz(values[i]!)));
  // A partial last block is loaded with zero padding that takes part in the reduction.
  return padded ? fmaxf(m, 0) : m;
}
