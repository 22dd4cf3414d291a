import { expect, it } from 'vitest';
import { TrainingRng } from '../random/training-rng.js';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { floatChecks } from '../test-utils/float-dtypes.js';
import { expectClose, gradcheck } from '../test-utils/gradcheck.js';
import { values, valuesOf } from '../test-utils/read.js';
import { randn, tensor } from './create.js';
import { linear, matmul } from './matmul.js';
import { transpose } from './shape-ops.js';

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

describeEachBackend('matmul', ({ case: c }) => {
  const checks = floatChecks(c, { f32: 1e-5, f64: 1e-12 });

  it('computes all four transpose combinations of odd sizes', async () => {
    const rng = new TrainingRng(2);
    const [m, k, n] = [5, 7, 3];
    // Values exact in f32, so both dtypes multiply the same numbers.
    const a = Array.from({ length: m * k }, () => Math.fround(rng.normal()));
    const b = Array.from({ length: k * n }, () => Math.fround(rng.normal()));
    const want = naive(a, b, m, k, n);
    for (const { dtype, tol } of checks) {
      const got = await valuesOf(() => {
        const A = tensor(a, [m, k], dtype);
        const At = tensor(transposed(a, m, k), [k, m], dtype);
        const B = tensor(b, [k, n], dtype);
        const Bt = tensor(transposed(b, k, n), [n, k], dtype);
        return [
          matmul(A, B),
          matmul(At, B, { transA: true }),
          matmul(A, Bt, { transB: true }),
          matmul(At, Bt, { transA: true, transB: true }),
          matmul(A, B, { alpha: -2 }),
          // Transposed views use the transpose flags instead of copying.
          matmul(transpose(At), transpose(Bt)),
        ];
      });
      got.forEach((g, i) => {
        expectClose(g, i === 4 ? want.map((v) => -2 * v) : want, tol, `${dtype} case ${i}`);
      });
    }
  });

  it('broadcasts batch dimensions and folds a 2-D right operand into M', async () => {
    for (const { dtype, tol } of checks) {
      const [av, bv, cv, wv, folded] = await valuesOf(() => {
        const rng = new TrainingRng(4);
        const a = randn([2, 3, 4, 5], rng, { dtype });
        const b = randn([3, 5, 2], rng, { dtype });
        const prod = matmul(a, b);
        expect(prod.shape).toEqual([2, 3, 4, 2]);
        const w = randn([5, 3], rng, { dtype });
        const f = matmul(a, w);
        expect(f.shape).toEqual([2, 3, 4, 3]);
        return [a, b, prod, w, f];
      });
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++) {
          const want = naive(
            av!.slice((i * 3 + j) * 20, (i * 3 + j + 1) * 20),
            bv!.slice(j * 10, (j + 1) * 10),
            4,
            5,
            2,
          );
          expectClose(cv!.slice((i * 3 + j) * 8, (i * 3 + j + 1) * 8), want, tol, `${dtype} batch ${i}, ${j}`);
        }
      expectClose(folded!, naive(av!, wv!, 24, 5, 3), tol, `${dtype} folded`);
    }
    tidy(() => {
      expect(matmul(tensor([1, 2], [1, 2]), tensor([3, 4], [1, 1, 2, 1])).shape).toEqual([1, 1, 1, 1]);
    });
  });

  it('rejects mismatched inner dimensions', () => {
    tidy(() => {
      expect(() => matmul(tensor([1, 2, 3, 4, 5, 6], [2, 3]), tensor([1, 2], [2, 1]))).toThrow(/inner dimensions/);
    });
  });

  it('differentiates every transpose combination, batch broadcasting and alpha', async () => {
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const sa = transA ? [5, 3] : [3, 5];
        const sb = transB ? [2, 5] : [5, 2];
        await gradcheck({ shapes: [sa, sb], f: ([a, b]) => matmul(a!, b!, { transA, transB, alpha: 0.7 }) });
        // A batched A with a 2-D B: B's gradient sums over the batch (one folded 2-D product without transA).
        await gradcheck({ shapes: [[2, ...sa], sb], f: ([a, b]) => matmul(a!, b!, { transA, transB, alpha: 0.7 }) });
        await gradcheck({
          shapes: [
            [3, 1, ...sa],
            [2, ...sb],
          ],
          f: ([a, b]) => matmul(a!, b!, { transA, transB, alpha: -1.3 }),
        });
      }
  });

  it('linear is x @ W^T + b', async () => {
    expect(
      await values(() =>
        linear(tensor([1, 2, 3, 4], [2, 2]), tensor([1, 0, 1, 1, 0, 2], [3, 2]), tensor([0.5, 0, -1], [3])),
      ),
    ).toEqual([1.5, 3, 3, 3.5, 7, 7]);
    await gradcheck({ shapes: [[2, 3, 4], [5, 4], [5]], f: ([x, w, b]) => linear(x!, w!, b!) });
  });
});
