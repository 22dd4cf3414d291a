import { describe, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
import { tensor } from './create.js';
import { layerNorm, rmsNorm } from './norm.js';
import { expectClose, gradcheck } from './test-utils/gradcheck.js';

describe('RMSNorm', () => {
  it('computes x * rsqrt(mean(x^2) + eps) * w, and the Gemma (1 + w) form', () => {
    tidy(() => {
      const x = tensor(new Float64Array([1, 2, 3, -4, 0, 2]), [2, 3], 'f64');
      const w = tensor(new Float64Array([0.5, 1, 2]), [3], 'f64');
      const r0 = 1 / Math.sqrt(14 / 3 + 1e-6);
      const r1 = 1 / Math.sqrt(20 / 3 + 1e-6);
      expectClose(rmsNorm(x, w).toArray(), [0.5 * r0, 2 * r0, 6 * r0, -2 * r1, 0, 4 * r1], 1e-12);
      expectClose(
        rmsNorm(x, w, { weightOffset: 1, eps: 1e-6 }).toArray(),
        [1.5 * r0, 4 * r0, 9 * r0, -6 * r1, 0, 6 * r1],
        1e-12,
      );
    });
  });

  it('differentiates x and w (both forms)', () => {
    gradcheck({ shapes: [[3, 4, 7], [7]], f: ([x, w]) => rmsNorm(x!, w!, { eps: 1e-5 }) });
    gradcheck({ shapes: [[5, 9], [9]], f: ([x, w]) => rmsNorm(x!, w!, { weightOffset: 1 }), seed: 4 });
  });
});

describe('LayerNorm', () => {
  it('matches torch.nn.LayerNorm (biased variance)', () => {
    tidy(() => {
      const x = tensor(new Float64Array([1, 2, 3, 4]), [1, 4], 'f64');
      const w = tensor(new Float64Array([1, 1, 1, 2]), [4], 'f64');
      const b = tensor(new Float64Array([0, 0, 1, 0]), [4], 'f64');
      const r = 1 / Math.sqrt(1.25 + 1e-5);
      expectClose(layerNorm(x, w, b).toArray(), [-1.5 * r, -0.5 * r, 0.5 * r + 1, 3 * r], 1e-12);
    });
  });

  it('differentiates x, w and b, and works without a bias', () => {
    gradcheck({ shapes: [[4, 7], [7], [7]], f: ([x, w, b]) => layerNorm(x!, w!, b!) });
    gradcheck({ shapes: [[2, 3, 5], [5]], f: ([x, w]) => layerNorm(x!, w!, undefined) });
  });
});
