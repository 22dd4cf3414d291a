/**
 * Vector transcendental functions for kernels, emitted inline (a call per vector would cost more
 * than the polynomial). exp follows the Cephes expf scheme: x = n ln2 + r with |r| <= ln2/2,
 * e^r by a degree-6 polynomial, 2^n built in the exponent bits. Relative error ~2 ulp.
 *
 * n is rounded with the 1.5 * 2^23 trick (adding it leaves round(x log2 e) in the low mantissa
 * bits, which then shift straight into the exponent field), because V8 lowers both
 * f32x4.nearest + i32x4.trunc_sat_f32x4_s to a long x64 sequence (trunc_sat alone is ~8
 * instructions of NaN and overflow fix-ups).
 */
import { f32x4, i32x4, type Local, type Val, v128 } from '../emit/expr.js';
import type { FunctionBuilder } from '../emit/function-builder.js';
import type { KernelEnv } from './kernel-env.js';

/** Below this e^x underflows f32's normal range; the result is flushed to exactly 0. */
export const EXP_LOWEST = -87.33654;
const EXP_HIGHEST = 88.0;
const LOG2E = Math.LOG2E;
/** 1.5 * 2^23: f + ROUNDER rounds f to an integer held in the low mantissa bits (for |f| < 2^22). */
const ROUNDER = 12582912;
// ln 2 split so n * LN2_HI is exact for |n| <= 128.
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
const P = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

export interface VecExp {
  /** out = e^x lane-wise (x may be an expression; it is evaluated once). -inf and x < EXP_LOWEST give 0, NaN stays NaN. */
  into(out: Local, x: Val): void;
}

export function vecExp(f: FunctionBuilder, env: KernelEnv): VecExp {
  const [x, t, n, r, p] = f.locals('v128', 5);
  return {
    into(out: Local, input: Val): void {
      f.set(x, input);
      const clamped = f32x4.max(f32x4.min(x, EXP_HIGHEST), EXP_LOWEST);
      // t holds round(x log2 e) in its low mantissa bits; n = t - ROUNDER is that integer as a float.
      f.set(t, env.madd(clamped, LOG2E, ROUNDER));
      f.set(n, f32x4.sub(t, ROUNDER));
      f.set(r, env.madd(n, -LN2_HI, clamped));
      f.set(r, env.madd(n, -LN2_LO, r));
      f.set(p, f32x4.splatConst(P[0]!));
      for (const c of P.slice(1)) f.set(p, env.madd(p, r, c));
      // e^r = 1 + r + r^2 * p(r)
      f.set(p, env.madd(p, f32x4.mul(r, r), f32x4.add(r, 1)));
      // (bits(t) + 127) << 23: ROUNDER's own bits shift out, leaving the biased exponent n + 127.
      const pow2n = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
      f.set(out, v128.andNot(f32x4.mul(p, pow2n), f32x4.lt(x, EXP_LOWEST)));
    },
  };
}

/** Largest lane of a local (two shuffles + max). */
export function hmax(f: FunctionBuilder, v: Local, tmp: Local): ReturnType<typeof f32x4.extractLane> {
  f.set(tmp, f32x4.max(v, f32x4.laneShuffle(v, v, [2, 3, 0, 1])));
  f.set(tmp, f32x4.max(tmp, f32x4.laneShuffle(tmp, tmp, [1, 0, 3, 2])));
  return f32x4.extractLane(tmp, 0);
}
