import { it } from 'vitest';
import { describeEachBackend } from '../test-utils/backends.js';
import { floatChecks } from '../test-utils/float-dtypes.js';
import { expectClose, gradcheck } from '../test-utils/gradcheck.js';
import { valuesOf } from '../test-utils/read.js';
import { tensor } from './create.js';
import { layerNorm, rmsNorm } from './norm.js';

describeEachBackend('RMSNorm', ({ case: c }) => {
  it('computes x * rsqrt(mean(x^2) + eps) * w, and the Gemma (1 + w) form', async () => {
    const r0 = 1 / Math.sqrt(14 / 3 + 1e-6);
    const r1 = 1 / Math.sqrt(20 / 3 + 1e-6);
    for (const { dtype, tol } of floatChecks(c, { f32: 1e-6, f64: 1e-12 })) {
      const [plain, gemma] = await valuesOf(() => {
        const x = tensor([1, 2, 3, -4, 0, 2], [2, 3], dtype);
        const w = tensor([0.5, 1, 2], [3], dtype);
        return [rmsNorm(x, w), rmsNorm(x, w, { weightOffset: 1, eps: 1e-6 })];
      });
      expectClose(plain!, [0.5 * r0, 2 * r0, 6 * r0, -2 * r1, 0, 4 * r1], tol, `${dtype} rmsNorm`);
      expectClose(gemma!, [1.5 * r0, 4 * r0, 9 * r0, -6 * r1, 0, 6 * r1], tol, `${dtype} rmsNorm (1 + w)`);
    }
  });

  it('differentiates x and w (both forms)', async () => {
    await gradcheck({ shapes: [[3, 4, 7], [7]], f: ([x, w]) => rmsNorm(x!, w!, { eps: 1e-5 }) });
    await gradcheck({ shapes: [[5, 9], [9]], f: ([x, w]) => rmsNorm(x!, w!, { weightOffset: 1 }), seed: 4 });
  });
});

describeEachBackend('LayerNorm', ({ case: c }) => {
  it('matches torch.nn.LayerNorm (biased variance)', async () => {
    const r = 1 / Math.sqrt(1.25 + 1e-5);
    for (const { dtype, tol } of floatChecks(c, { f32: 1e-6, f64: 1e-12 })) {
      const [y] = await valuesOf(() => [
        layerNorm(
          tensor([1, 2, 3, 4], [1, 4], dtype),
          tensor([1, 1, 1, 2], [4], dtype),
          tensor([0, 0, 1, 0], [4], dtype),
        ),
      ]);
      expectClose(y!, [-1.5 * r, -0.5 * r, 0.5 * r + 1, 3 * r], tol, `${dtype} layerNorm`);
    }
  });

  it('normalises rows longer than a SIMD group (two reductions per row: mean, then variance)', async () => {
    for (const n of [9, 33]) {
      // Row r holds r + 1, r + 2, ..., r + n: mean r + (n + 1) / 2, biased variance (n^2 - 1) / 12.
      const x = Array.from({ length: 2 * n }, (_, i) => Math.floor(i / n) + (i % n) + 1);
      const rs = 1 / Math.sqrt((n * n - 1) / 12 + 1e-5);
      const [y] = await valuesOf(() => [layerNorm(tensor(x, [2, n]), tensor(new Array(n).fill(2), [n]), undefined)]);
      const want = x.map((v, i) => 2 * (v - (Math.floor(i / n) + (n + 1) / 2)) * rs);
      expectClose(y!, want, 1e-5, `layerNorm over ${n}`);
    }
  });

  it('differentiates x, w and b, and works without a bias', async () => {
    await gradcheck({ shapes: [[4, 7], [7], [7]], f: ([x, w, b]) => layerNorm(x!, w!, b!) });
    await gradcheck({ shapes: [[2, 3, 5], [5]], f: ([x, w]) => layerNorm(x!, w!, undefined) });
  });
});
