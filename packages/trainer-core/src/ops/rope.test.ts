import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { tidy } from '../tensor/scope.js';
import { tensor } from './create.js';
import { rope } from './rope.js';
import { expectClose, gradcheck } from './test-utils/gradcheck.js';

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
          const ang = pos(bi, ti) * theta ** (-(2 * (j % half)) / d);
          out[base + j] = xv[j]! * Math.cos(ang) + rotated[j]! * Math.sin(ang);
        }
      }
  return out;
}

describe('rope', () => {
  const [B, T, H, D] = [2, 5, 3, 8];
  const rng = new Rng(11);
  const x = new Float64Array(B * T * H * D);
  rng.fillNormal(x);

  it('matches the rotate_half formula of the PyTorch peer', () => {
    tidy(() => {
      const y = rope(tensor(x, [B, T, H, D], 'f64'), { theta: 10000 });
      expectClose(
        y.toArray(),
        peerRope(x, B, T, H, D, 10000, (_b, t) => t),
        2e-6,
        'rope',
      );
      const off = rope(tensor(x, [B, T, H, D], 'f64'), { theta: 500, positionOffset: 7 });
      expectClose(
        off.toArray(),
        peerRope(x, B, T, H, D, 500, (_b, t) => t + 7),
        2e-6,
        'rope offset',
      );
    });
  });

  it('takes explicit positions per batch row (left padding)', () => {
    tidy(() => {
      const pos = new Int32Array([0, 0, 0, 1, 2, 0, 1, 2, 3, 4]);
      const y = rope(tensor(x, [B, T, H, D], 'f64'), { positions: tensor(pos, [B, T], 'i32') });
      expectClose(
        y.toArray(),
        peerRope(x, B, T, H, D, 10000, (b, t) => pos[b * T + t]!),
        2e-6,
        'rope positions',
      );
    });
  });

  it('keeps norms (a rotation) and rejects odd head dims', () => {
    tidy(() => {
      const y = rope(tensor(x, [B, T, H, D], 'f64')).toArray();
      let nx = 0;
      let ny = 0;
      for (let i = 0; i < x.length; i++) {
        nx += x[i]! ** 2;
        ny += y[i]! ** 2;
      }
      // cos and sin are rounded to f32 as in torch, so cos^2 + sin^2 = 1 to ~1e-7.
      expect(Math.abs(ny - nx) / nx).toBeLessThan(1e-7);
      expect(() => rope(tensor(new Float32Array(6), [1, 1, 2, 3]))).toThrow(/must be even/);
    });
  });

  it('differentiates (the backward rotates by the negative angle)', () => {
    gradcheck({ shapes: [[2, 3, 2, 6]], f: ([v]) => rope(v!, { theta: 100 }) });
    const pos = tensor(new Int32Array([3, 1, 4, 1, 5, 9]), [2, 3], 'i32');
    gradcheck({ shapes: [[2, 3, 1, 4]], f: ([v]) => rope(v!, { positions: pos }) });
    pos.dispose();
  });
});
