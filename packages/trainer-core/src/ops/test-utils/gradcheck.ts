/**
 * Gradient checking against central finite differences computed entirely in f64: the op runs on
 * f64 tensors (the CPU reference kernels are generic over f32/f64), the analytic gradient comes
 * from backward() in f64, and each numeric derivative from two more f64 forwards. The same op is
 * then differentiated in f32 and compared with the f64 gradient, which covers the f32 paths.
 */
import { expect } from 'vitest';
import { noGrad } from '../../autograd/grad-mode.js';
import { Rng } from '../../random/rng.js';
import { tidy } from '../../tensor/scope.js';
import { shapeSize } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../create.js';

export interface GradcheckCase {
  /** Shapes of the differentiable inputs. */
  shapes: readonly (readonly number[])[];
  /** The op under test. Non-differentiable inputs (ids, masks) are captured by the closure. */
  f: (inputs: Tensor[]) => Tensor;
  seed?: number;
  /** Custom input values (f64), e.g. positive values for log/sqrt. */
  init?: (index: number, size: number, rng: Rng) => Float64Array;
  /** Step of the central difference (default 1e-6). */
  eps?: number;
  /** Tolerance of analytic vs numeric in f64 (default 1e-6, relative to max |numeric| + 1). */
  tol?: number;
  /** Tolerance of the f32 gradient vs the f64 one (default 2e-3, relative to max |grad| + 1e-3). */
  f32Tol?: number;
}

function randomValues(size: number, rng: Rng): Float64Array {
  const v = new Float64Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.normal();
  return v;
}

function dot(y: Tensor, w: Float64Array): number {
  const data = y.dataSync();
  let s = 0;
  for (let i = 0; i < w.length; i++) s += data[i]! * w[i]!;
  return s;
}

/** Analytic gradients of sum(f(x) * w) for inputs in the given dtype. */
function analytic(c: GradcheckCase, values: Float64Array[], w: Float64Array, dtype: 'f32' | 'f64'): Float64Array[] {
  return tidy(() => {
    const inputs = values.map((v, i) => {
      const t = tensor(dtype === 'f64' ? v : Float32Array.from(v), c.shapes[i]!, dtype);
      t.requiresGrad = true;
      return t;
    });
    const y = c.f(inputs);
    expect(y.dtype).toBe(dtype);
    const wt = tensor(dtype === 'f64' ? w : Float32Array.from(w), y.shape, dtype);
    y.backward(wt);
    const grads = inputs.map((t) => {
      if (!t.grad) return new Float64Array(t.size);
      return Float64Array.from(t.grad.dataSync() as Float64Array);
    });
    for (const t of inputs) t.dispose();
    return grads;
  });
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

export function gradcheck(c: GradcheckCase): void {
  const rng = new Rng(c.seed ?? 1);
  const eps = c.eps ?? 1e-6;
  const values = c.shapes.map((s, i) => (c.init ? c.init(i, shapeSize(s), rng) : randomValues(shapeSize(s), rng)));
  const outSize = noGrad(() => tidy(() => c.f(values.map((v, i) => tensor(v, c.shapes[i]!, 'f64'))).size));
  const w = randomValues(outSize, rng);
  const g64 = analytic(c, values, w, 'f64');
  const evalAt = (vals: Float64Array[]): number =>
    noGrad(() => tidy(() => dot(c.f(vals.map((v, i) => tensor(v, c.shapes[i]!, 'f64'))), w)));
  values.forEach((v, i) => {
    const numeric = new Float64Array(v.length);
    for (let j = 0; j < v.length; j++) {
      const orig = v[j]!;
      v[j] = orig + eps;
      const plus = evalAt(values);
      v[j] = orig - eps;
      const minus = evalAt(values);
      v[j] = orig;
      numeric[j] = (plus - minus) / (2 * eps);
    }
    const scale = maxAbs(numeric) + 1;
    const tol = (c.tol ?? 1e-6) * scale;
    const got = g64[i]!;
    for (let j = 0; j < v.length; j++) {
      if (!(Math.abs(got[j]! - numeric[j]!) <= tol)) {
        throw new Error(
          `gradcheck: input ${i} element ${j}: analytic ${got[j]} vs numeric ${numeric[j]} (tol ${tol.toExponential(2)})`,
        );
      }
    }
  });
  const g32 = analytic(
    c,
    values.map((v) => Float64Array.from(Float32Array.from(v))),
    w,
    'f32',
  );
  g64.forEach((ref, i) => {
    const tol = (c.f32Tol ?? 2e-3) * (maxAbs(ref) + 1e-3);
    const got = g32[i]!;
    for (let j = 0; j < ref.length; j++) {
      if (!(Math.abs(got[j]! - ref[j]!) <= tol)) {
        throw new Error(
          `gradcheck f32: input ${i} element ${j}: ${got[j]} vs f64 ${ref[j]} (tol ${tol.toExponential(2)})`,
        );
      }
    }
  });
}

/** Random f64 values in [lo, hi). */
export function uniformInit(lo: number, hi: number): (index: number, size: number, rng: Rng) => Float64Array {
  return (_i, size, rng) => {
    const v = new Float64Array(size);
    for (let j = 0; j < size; j++) v[j] = rng.uniformRange(lo, hi);
    return v;
  };
}

/** Element-wise closeness with a message naming the first mismatch. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = 'values'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = a === e || Math.abs(a - e) <= tol * (1 + Math.abs(e));
    if (!ok) throw new Error(`${what}[${i}]: got ${a}, expected ${e} (tol ${tol})`);
  }
}
