import { type Expr, f32x4, type Val } from '../emit/expr.js';

/** What a kernel generator needs to know about the module variant it writes into. */
export interface KernelEnv {
  /** Whether `madd` is one relaxed-SIMD FMA or a mul followed by an add. */
  readonly fma: boolean;
  /** a*b + c on f32x4 lanes. */
  madd(a: Val, b: Val, c: Val): Expr;
}

export function kernelEnv(fma: boolean): KernelEnv {
  return {
    fma,
    madd: fma ? f32x4.relaxedMadd : (a, b, c) => f32x4.add(f32x4.mul(a, b), c),
  };
}
