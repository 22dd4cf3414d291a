/**
 * Gradient checking against central finite differences computed entirely in f64 on the CPU
 * reference backend: the analytic f64 gradient comes from backward(), each numeric derivative
 * from two more f64 forwards. The same op is then differentiated in f32 on the backend under test
 * (the current one) and compared with the f64 gradient, which covers that backend's f32 kernels.
 */
import { expect } from 'vitest';
import { noGrad } from '../autograd/grad-mode.js';
import { full, tensor } from '../ops/create.js';
import { TrainingRng } from '../random/training-rng.js';
import { getBackend } from '../tensor/engine.js';
import { keep, tidy } from '../tensor/scope.js';
import { shapeSize } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { onBackend, referenceBackend } from './backends.js';

export interface GradcheckCase {
  /** Shapes of the differentiable inputs. */
  shapes: readonly (readonly number[])[];
  /** The op under test. Non-differentiable inputs (ids, masks) are made inside it or captured. */
  f: (inputs: Tensor[]) => Tensor;
  seed?: number;
  /** Custom input values (f64), e.g. positive values for log/sqrt. */
  init?: (index: number, size: number, rng: TrainingRng) => Float64Array;
  /** Step of the central difference (default 1e-6). */
  eps?: number;
  /** Tolerance of analytic vs numeric in f64 (default 1e-6, relative to max |numeric| + 1). */
  tol?: number;
  /** Tolerance of the f32 gradient vs the f64 one (default 2e-3, relative to max |grad| + 1e-3). */
  f32Tol?: number;
}

function randomValues(size: number, rng: TrainingRng): Float64Array {
  const v = new Float64Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.normal();
  return v;
}

/** Leaf gradients of sum(f(x) * w) for inputs in `dtype` on the current backend (kept; the caller frees them). */
function analyticGrads(c: GradcheckCase, values: Float64Array[], w: Float64Array, dtype: 'f32' | 'f64'): Tensor[] {
  const cast = (v: Float64Array) => (dtype === 'f64' ? v : Float32Array.from(v));
  return tidy(() => {
    const inputs = values.map((v, i) => {
      const t = tensor(cast(v), c.shapes[i]!, dtype);
      t.requiresGrad = true;
      return t;
    });
    const y = c.f(inputs);
    expect(y.dtype).toBe(dtype);
    y.backward(tensor(cast(w), y.shape, dtype));
    const grads = inputs.map((t) => keep(t.grad ? t.grad.detach() : full(t.shape, 0, dtype)));
    for (const t of inputs) t.dispose();
    return grads;
  });
}

async function readAll(ts: Tensor[]): Promise<Float64Array[]> {
  try {
    return await Promise.all(ts.map(async (t) => Float64Array.from(await t.data())));
  } finally {
    for (const t of ts) t.dispose();
  }
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function compare(got: Float64Array, want: Float64Array, tol: number, what: string): void {
  for (let j = 0; j < want.length; j++) {
    if (!(Math.abs(got[j]! - want[j]!) <= tol)) {
      throw new Error(`${what} element ${j}: ${got[j]} vs ${want[j]} (tol ${tol.toExponential(2)})`);
    }
  }
}

export async function gradcheck(c: GradcheckCase): Promise<void> {
  const rng = new TrainingRng(c.seed ?? 1);
  const eps = c.eps ?? 1e-6;
  const values = c.shapes.map((s, i) => (c.init ? c.init(i, shapeSize(s), rng) : randomValues(shapeSize(s), rng)));
  const ref = referenceBackend();
  const f64Inputs = (vals: Float64Array[]) => vals.map((v, i) => tensor(v, c.shapes[i]!, 'f64'));
  const outSize = onBackend(ref, () => noGrad(() => tidy(() => c.f(f64Inputs(values)).size)));
  const w = randomValues(outSize, rng);
  const g64 = await readAll(onBackend(ref, () => analyticGrads(c, values, w, 'f64')));
  const evalAt = (vals: Float64Array[]): number =>
    onBackend(ref, () =>
      noGrad(() =>
        tidy(() => {
          const y = c.f(f64Inputs(vals)).dataSync();
          let s = 0;
          for (let i = 0; i < w.length; i++) s += y[i]! * w[i]!;
          return s;
        }),
      ),
    );
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
    compare(g64[i]!, numeric, (c.tol ?? 1e-6) * (maxAbs(numeric) + 1), `gradcheck: input ${i} analytic vs numeric,`);
  });
  const rounded = values.map((v) => Float64Array.from(Float32Array.from(v)));
  const g32 = await readAll(analyticGrads(c, rounded, w, 'f32'));
  g64.forEach((want, i) => {
    compare(
      g32[i]!,
      want,
      (c.f32Tol ?? 2e-3) * (maxAbs(want) + 1e-3),
      `gradcheck f32 on ${getBackend().name}: input ${i},`,
    );
  });
}

/** Random f64 values in [lo, hi). */
export function uniformInit(lo: number, hi: number): (index: number, size: number, rng: TrainingRng) => Float64Array {
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
