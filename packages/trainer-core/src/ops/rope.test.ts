import { expect, it } from 'vitest';
import type { RopeScaling } from '../kernels/shapes/rope-frequencies.js';
import { TrainingRng } from '../random/training-rng.js';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { floatChecks } from '../test-utils/float-dtypes.js';
import { expectClose, gradcheck } from '../test-utils/gradcheck.js';
import { values } from '../test-utils/read.js';
import { tensor } from './create.js';
import { rope } from './rope.js';

/**
 * The torch_peer.py formula written out independently, on its [B, H, T, D] layout:
 * x * cat(cos, cos) + cat(-x2, x1) * cat(sin, sin), angle = t * theta^(-2i/D).
 */
function peerRope(
  x: Float64Array,
  b: number,
  t: number,
  h: number,
  d: number,
  theta: number,
  pos: (b: number, t: number) => number,
  invFreq?: readonly number[],
): Float64Array {
  const out = new Float64Array(x.length);
  const half = d / 2;
  for (let bi = 0; bi < b; bi++)
    for (let hi = 0; hi < h; hi++)
      for (let ti = 0; ti < t; ti++) {
        const base = ((bi * t + ti) * h + hi) * d;
        const xv = Array.from(x.subarray(base, base + d));
        const rotated = [...xv.slice(half).map((v) => -v), ...xv.slice(0, half)];
        for (let j = 0; j < d; j++) {
          const ang = pos(bi, ti) * (invFreq?.[j % half] ?? theta ** (-(2 * (j % half)) / d));
          out[base + j] = xv[j]! * Math.cos(ang) + rotated[j]! * Math.sin(ang);
        }
      }
  return out;
}

describeEachBackend('rope', ({ case: c }) => {
  const [B, T, H, D] = [2, 5, 3, 8];
  const rng = new TrainingRng(11);
  const x = new Float64Array(B * T * H * D);
  rng.fillNormal(x);
  // The same values in both dtypes, so one f64 expectation serves both.
  const xs = x.map(Math.fround);
  // cos and sin are rounded to f32 as in torch, so even the f64 path agrees with the formula to ~1e-7.
  const checks = floatChecks(c, { f32: 2e-6, f64: 2e-6 });
  const run = (dtype: 'f32' | 'f64', options: Parameters<typeof rope>[1] & { pos?: Int32Array } = {}) => {
    const { pos, ...rest } = options;
    return values(() =>
      rope(tensor(xs, [B, T, H, D], dtype), { ...rest, ...(pos ? { positions: tensor(pos, [B, T], 'i32') } : {}) }),
    );
  };

  it('matches the rotate_half formula of the PyTorch peer', async () => {
    for (const { dtype, tol } of checks) {
      expectClose(
        await run(dtype, { theta: 10000 }),
        peerRope(xs, B, T, H, D, 10000, (_b, t) => t),
        tol,
        `rope ${dtype}`,
      );
      expectClose(
        await run(dtype, { theta: 500, positionOffset: 7 }),
        peerRope(xs, B, T, H, D, 500, (_b, t) => t + 7),
        tol,
        `rope offset ${dtype}`,
      );
    }
  });

  it('takes explicit positions per batch row (left padding)', async () => {
    const pos = new Int32Array([0, 0, 0, 1, 2, 0, 1, 2, 3, 4]);
    for (const { dtype, tol } of checks) {
      expectClose(
        await run(dtype, { pos }),
        peerRope(xs, B, T, H, D, 10000, (b, t) => pos[b * T + t]!),
        tol,
        `rope positions ${dtype}`,
      );
    }
  });

  it('trusts its positions: a negative one rotates by the negative angle', async () => {
    const pos = new Int32Array([-3, -1, 0, 2, 700, 5, -700, 1, 1, -2]);
    for (const { dtype, tol } of checks) {
      expectClose(
        await run(dtype, { pos }),
        peerRope(xs, B, T, H, D, 10000, (b, t) => pos[b * T + t]!),
        tol,
        `negative positions ${dtype}`,
      );
      expectClose(
        await run(dtype, { positionOffset: -2 }),
        peerRope(xs, B, T, H, D, 10000, (_b, t) => t - 2),
        tol,
        `negative offset ${dtype}`,
      );
    }
  });

  it('scales frequencies: linear (position p at factor 8 = position p / 8) and llama3 (torch inv_freq)', async () => {
    const pos = new Int32Array([0, 8, 16, 24, 32, 40, 48, 56, 64, 72]);
    const plain = new Int32Array(pos.map((p) => p / 8));
    for (const { dtype, tol } of checks) {
      expectClose(
        await run(dtype, { pos, scaling: { type: 'linear', factor: 8 } }),
        await run(dtype, { pos: plain }),
        0,
        `linear ${dtype}`,
      );
      // transformers' _compute_llama3_parameters in torch (kernels/shapes/rope-frequencies.test.ts).
      const llama3: RopeScaling = {
        type: 'llama3',
        factor: 32,
        lowFreqFactor: 1,
        highFreqFactor: 4,
        originalMaxPositionEmbeddings: 64,
      };
      const torchInv = [1.0, 0.00372535502538085, 0.0003124999930150807, 3.125000148429535e-5];
      expectClose(
        await run(dtype, { positionOffset: 3, scaling: llama3 }),
        peerRope(xs, B, T, H, D, 10000, (_b, t) => t + 3, torchInv),
        tol,
        `llama3 ${dtype}`,
      );
    }
    tidy(() => {
      expect(() => rope(tensor(xs, [B, T, H, D]), { scaling: { type: 'linear', factor: 0 } })).toThrow(
        /Rope: rope scaling factor must be > 0/,
      );
    });
  });

  it('keeps norms (a rotation) and rejects odd head dims', async () => {
    for (const { dtype } of checks) {
      const y = await run(dtype);
      let nx = 0;
      let ny = 0;
      for (let i = 0; i < xs.length; i++) {
        nx += xs[i]! ** 2;
        ny += y[i]! ** 2;
      }
      // cos and sin are rounded to f32 as in torch, so cos^2 + sin^2 = 1 to ~1e-7 (f32 outputs add their rounding).
      expect(Math.abs(ny - nx) / nx, dtype).toBeLessThan(dtype === 'f64' ? 1e-7 : 1e-6);
    }
    tidy(() => {
      expect(() => rope(tensor(new Float32Array(6), [1, 1, 2, 3]))).toThrow(/must be even/);
    });
  });

  it('differentiates (the backward rotates by the negative angle)', async () => {
    await gradcheck({ shapes: [[2, 3, 2, 6]], f: ([v]) => rope(v!, { theta: 100 }) });
    await gradcheck({
      shapes: [[2, 3, 1, 4]],
      f: ([v]) => rope(v!, { positions: tensor(new Int32Array([3, 1, 4, 1, 5, 9]), [2, 3], 'i32') }),
    });
    await gradcheck({
      shapes: [[1, 3, 1, 4]],
      f: ([v]) => rope(v!, { positions: tensor(new Int32Array([-4, 0, 2]), [1, 3], 'i32') }),
    });
  });
});
