import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { tidy } from '../tensor/scope.js';
import { randn, tensor } from './create.js';
import { linear, matmul } from './matmul.js';
import { transpose } from './shape-ops.js';
import { expectClose, gradcheck } from './test-utils/gradcheck.js';

/** Plain triple loop on host arrays, the independent expectation. */
function naive(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const c = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) c[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
  return c;
}

function transposed(a: number[], rows: number, cols: number): number[] {
  const t = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

describe('matmul', () => {
  it('computes all four transpose combinations of odd sizes', () => {
    tidy(() => {
      const rng = new Rng(2);
      const [m, k, n] = [5, 7, 3];
      const a = Array.from({ length: m * k }, () => rng.normal());
      const b = Array.from({ length: k * n }, () => rng.normal());
      const want = naive(a, b, m, k, n);
      const A = tensor(new Float64Array(a), [m, k], 'f64');
      const At = tensor(new Float64Array(transposed(a, m, k)), [k, m], 'f64');
      const B = tensor(new Float64Array(b), [k, n], 'f64');
      const Bt = tensor(new Float64Array(transposed(b, k, n)), [n, k], 'f64');
      expectClose(matmul(A, B).toArray(), want, 1e-12);
      expectClose(matmul(At, B, { transA: true }).toArray(), want, 1e-12);
      expectClose(matmul(A, Bt, { transB: true }).toArray(), want, 1e-12);
      expectClose(matmul(At, Bt, { transA: true, transB: true }).toArray(), want, 1e-12);
      expectClose(
        matmul(A, B, { alpha: -2 }).toArray(),
        want.map((v) => -2 * v),
        1e-12,
      );
      // Transposed views use the transpose flags instead of copying.
      expectClose(matmul(transpose(At), transpose(Bt)).toArray(), want, 1e-12);
    });
  });

  it('broadcasts batch dimensions and folds a 2-D right operand into M', () => {
    tidy(() => {
      const rng = new Rng(4);
      const a = randn([2, 3, 4, 5], rng, { dtype: 'f64' });
      const b = randn([3, 5, 2], rng, { dtype: 'f64' });
      const c = matmul(a, b);
      expect(c.shape).toEqual([2, 3, 4, 2]);
      const av = a.toArray();
      const bv = b.toArray();
      const cv = c.toArray();
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++) {
          const want = naive(av.slice((i * 3 + j) * 20, (i * 3 + j + 1) * 20), bv.slice(j * 10, (j + 1) * 10), 4, 5, 2);
          expectClose(cv.slice((i * 3 + j) * 8, (i * 3 + j + 1) * 8), want, 1e-12);
        }
      const w = randn([5, 3], rng, { dtype: 'f64' });
      const folded = matmul(a, w);
      expect(folded.shape).toEqual([2, 3, 4, 3]);
      expectClose(folded.toArray(), naive(av, w.toArray(), 24, 5, 3), 1e-12);
      expect(matmul(tensor([1, 2], [1, 2]), tensor([3, 4], [1, 1, 2, 1])).shape).toEqual([1, 1, 1, 1]);
    });
  });

  it('rejects mismatched inner dimensions', () => {
    tidy(() => {
      expect(() => matmul(tensor([1, 2, 3, 4, 5, 6], [2, 3]), tensor([1, 2], [2, 1]))).toThrow(/inner dimensions/);
    });
  });

  it('differentiates every transpose combination, batch broadcasting and alpha', () => {
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const sa = transA ? [5, 3] : [3, 5];
        const sb = transB ? [2, 5] : [5, 2];
        gradcheck({ shapes: [sa, sb], f: ([a, b]) => matmul(a!, b!, { transA, transB, alpha: 0.7 }) });
        // A batched A with a 2-D B: B's gradient sums over the batch (one folded 2-D product without transA).
        gradcheck({ shapes: [[2, ...sa], sb], f: ([a, b]) => matmul(a!, b!, { transA, transB, alpha: 0.7 }) });
        gradcheck({
          shapes: [
            [3, 1, ...sa],
            [2, ...sb],
          ],
          f: ([a, b]) => matmul(a!, b!, { transA, transB, alpha: -1.3 }),
        });
      }
  });

  it('linear is x @ W^T + b', () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4], [2, 2]);
      const w = tensor([1, 0, 1, 1, 0, 2], [3, 2]);
      const b = tensor([0.5, 0, -1], [3]);
      expect(linear(x, w, b).toArray()).toEqual([1.5, 3, 3, 3.5, 7, 7]);
    });
    gradcheck({ shapes: [[2, 3, 4], [5, 4], [5]], f: ([x, w, b]) => linear(x!, w!, b!) });
  });
});
