/** Plain-TypeScript oracles (f64 accumulation) and seeded data for the fast-kernel tests. */

import { TrainingRng } from '../../../../random/training-rng.js';
import type { MatmulArgs } from '../../fast-kernels.js';
import type { CpuHeap } from '../../heap.js';

/** Uniform [0, 1) draws from the project's seeded generator, so every test run sees the same data. */
export function rng(seed: number): () => number {
  const r = new TrainingRng(seed);
  return () => r.uniform();
}

/** Allocates `values.length` f32 on the heap and fills it. */
export function upload(heap: CpuHeap, values: ArrayLike<number>): number {
  const ptr = heap.alloc(Math.max(values.length, 1) * 4);
  heap.f32(ptr, values.length).set(values);
  return ptr;
}

export function randomArray(next: () => number, length: number, scale = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 2 - 1) * scale;
  return out;
}

/** A matmul call without its pointers. */
export type MatmulCase = Omit<MatmulArgs, 'a' | 'b' | 'c'>;

/** C (+)= alpha * op(A) op(B) per batch item, accumulated in f64; also returns sum |a||b| per entry for tolerances. */
export function referenceMatmul(
  p: MatmulCase,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
): { c: Float64Array; magnitude: Float64Array } {
  const out = Float64Array.from(c);
  const magnitude = new Float64Array(c.length);
  for (let bi = 0; bi < p.batch; bi++) {
    for (let i = 0; i < p.m; i++) {
      for (let j = 0; j < p.n; j++) {
        let s = 0;
        let mag = 0;
        for (let q = 0; q < p.k; q++) {
          const av = a[bi * p.strideA + (p.transA ? q * p.m + i : i * p.k + q)]!;
          const bv = b[bi * p.strideB + (p.transB ? j * p.k + q : q * p.n + j)]!;
          s += av * bv;
          mag += Math.abs(av * bv);
        }
        const at = bi * p.strideC + i * p.n + j;
        out[at] = p.alpha * s + (p.accumulate ? out[at]! : 0);
        magnitude[at] = Math.abs(p.alpha) * mag + (p.accumulate ? Math.abs(c[at]!) : 0);
      }
    }
  }
  return { c: out, magnitude };
}

/** Largest |got - want| / (tol * (magnitude + 1)); <= 1 means within tolerance everywhere. */
export function worstError(got: ArrayLike<number>, want: ArrayLike<number>, magnitude: ArrayLike<number>, tol: number) {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(got[i]! - want[i]!) / (tol * (magnitude[i]! + 1));
    if (!(e <= worst)) {
      worst = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
      at = i;
    }
  }
  return { worst, at };
}
