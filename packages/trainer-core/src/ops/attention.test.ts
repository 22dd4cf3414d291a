import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { Rng } from '../random/rng.js';
import { getBackend } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { attention } from './attention.js';
import { randn, tensor } from './create.js';
import { add, maskedFill, mul } from './elementwise.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { concat, permute, reshape, slice } from './shape-ops.js';
import { softmax } from './softmax.js';
import { expectClose, gradcheck } from './test-utils/gradcheck.js';

/** softmax(Q K^T * scale + mask) V, composed from separate ops on a [B, H, T, D] layout. */
function naiveAttention(q: Tensor, k: Tensor, v: Tensor, causal: boolean, keyMask?: Int32Array): Tensor {
  const [B, Tq, H, D] = q.shape as [number, number, number, number];
  const [, Tk, Hkv] = k.shape as [number, number, number, number];
  const group = H / Hkv;
  const repeat = (x: Tensor) =>
    // [B, T, Hkv, D] -> [B, T, H, D] with each kv head repeated `group` times.
    concat(
      Array.from({ length: H }, (_, h) => slice(x, [0, 0, Math.floor(h / group), 0], [B, Tk, 1, D])),
      2,
    );
  const qh = permute(q, [0, 2, 1, 3]);
  const kh = permute(repeat(k), [0, 2, 1, 3]);
  const vh = permute(repeat(v), [0, 2, 1, 3]);
  const scores = mul(matmul(qh, kh, { transB: true }), 1 / Math.sqrt(D));
  const maskData = new Uint8Array(B * Tq * Tk);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < Tq; i++)
      for (let j = 0; j < Tk; j++) {
        const future = causal && j > i + Tk - Tq;
        const padded = keyMask !== undefined && keyMask[b * Tk + j] === 0;
        maskData[(b * Tq + i) * Tk + j] = future || padded ? 1 : 0;
      }
  const mask = tensor(maskData, [B, 1, Tq, Tk], 'u8');
  const p = softmax(maskedFill(scores, mask, Number.NEGATIVE_INFINITY));
  return permute(matmul(p, vh), [0, 2, 1, 3]);
}

describe('fused attention', () => {
  const cases = [
    { name: 'causal MHA', B: 2, Tq: 5, Tk: 5, H: 2, Hkv: 2, D: 4, causal: true },
    { name: 'causal GQA', B: 1, Tq: 7, Tk: 7, H: 4, Hkv: 2, D: 3, causal: true },
    { name: 'non-causal MQA', B: 2, Tq: 3, Tk: 6, H: 3, Hkv: 1, D: 5, causal: false },
    { name: 'causal, fewer queries than keys (bottom-right)', B: 1, Tq: 2, Tk: 5, H: 2, Hkv: 1, D: 4, causal: true },
  ];
  for (const c of cases) {
    it(`${c.name} matches the naive softmax(QK^T)V`, () => {
      tidy(() => {
        const rng = new Rng(7);
        const q = randn([c.B, c.Tq, c.H, c.D], rng, { dtype: 'f64' });
        const k = randn([c.B, c.Tk, c.Hkv, c.D], rng, { dtype: 'f64' });
        const v = randn([c.B, c.Tk, c.Hkv, c.D], rng, { dtype: 'f64' });
        const fused = attention(q, k, v, { causal: c.causal });
        expectClose(fused.toArray(), naiveAttention(q, k, v, c.causal).toArray(), 1e-12, c.name);
      });
    });
  }

  it('masks padded keys and gives 0 for a query that sees no key', () => {
    tidy(() => {
      const rng = new Rng(3);
      const [B, T, H, D] = [2, 4, 2, 3];
      const q = randn([B, T, H, D], rng, { dtype: 'f64' });
      const k = randn([B, T, H, D], rng, { dtype: 'f64' });
      const v = randn([B, T, H, D], rng, { dtype: 'f64' });
      const keep = new Int32Array([1, 1, 1, 0, 0, 1, 1, 1]); // row 1 is left-padded
      const fused = attention(q, k, v, { keyMask: tensor(keep, [B, T], 'i32') }).toArray();
      const naive = naiveAttention(q, k, v, true, keep).toArray();
      // Row 1, query 0 sees only a padded key: the fused op defines its output as 0 (naive gives NaN).
      const dead = new Set(Array.from({ length: H * D }, (_, i) => T * H * D + i));
      naive.forEach((val, i) => {
        if (dead.has(i)) expect(fused[i]).toBe(0);
        else expect(Math.abs(fused[i]! - val)).toBeLessThan(1e-12);
      });
    });
  });

  it('differentiates q, k and v (causal GQA, padded, and cross-length)', () => {
    gradcheck({
      shapes: [
        [2, 4, 4, 3],
        [2, 4, 2, 3],
        [2, 4, 2, 3],
      ],
      f: ([q, k, v]) => attention(q!, k!, v!),
    });
    const mask = tensor(new Int32Array([0, 1, 1, 1, 1, 1, 0, 1]), [2, 4], 'i32');
    gradcheck({
      shapes: [
        [2, 4, 2, 3],
        [2, 4, 1, 3],
        [2, 4, 1, 3],
      ],
      f: ([q, k, v]) => attention(q!, k!, v!, { keyMask: mask }),
      seed: 5,
    });
    mask.dispose();
    gradcheck({
      shapes: [
        [1, 3, 2, 5],
        [1, 6, 2, 5],
        [1, 6, 2, 5],
      ],
      f: ([q, k, v]) => attention(q!, k!, v!, { causal: true, scale: 0.3 }),
      seed: 6,
    });
  });

  it('gives the same gradients as the naive composition', () => {
    tidy(() => {
      const rng = new Rng(8);
      const mk = (s: number[]) => {
        const t = randn(s, rng, { dtype: 'f64' });
        t.requiresGrad = true;
        return t;
      };
      const q = mk([2, 5, 4, 3]);
      const k = mk([2, 5, 2, 3]);
      const v = mk([2, 5, 2, 3]);
      const w = randn([2, 5, 4, 3], rng, { dtype: 'f64' });
      sum(mul(attention(q, k, v), w)).backward();
      const fused = [q, k, v].map((t) => t.grad!.toArray());
      for (const t of [q, k, v]) {
        t.grad?.dispose();
        t.grad = null;
      }
      sum(mul(naiveAttention(q, k, v, true), w)).backward();
      [q, k, v].forEach((t, i) => {
        expectClose(t.grad!.toArray(), fused[i]!, 1e-10, `grad ${i}`);
      });
      for (const t of [q, k, v]) t.dispose();
    });
  });

  it('keeps no [T, T] matrix for the backward: saved memory is linear in T', () => {
    const heap = (getBackend() as CpuBackend).heap;
    const liveAfterForward = (T: number) =>
      tidy(() => {
        const rng = new Rng(1);
        const q = randn([1, T, 1, 4], rng);
        q.requiresGrad = true;
        const before = heap.stats().liveBytes;
        const out = attention(q, q, q);
        const grown = heap.stats().liveBytes - before;
        out.dispose();
        q.dispose();
        return grown;
      });
    const small = liveAfterForward(256);
    const big = liveAfterForward(1024);
    // out [T, 4] and lse [T] in f32 (plus 64-byte rounding): 20 B per row, never T^2.
    expect(big).toBeLessThan(1024 * 20 + 256);
    expect(big / small).toBeLessThan(4.5);
  });

  it('sums correctly with add of its output (a residual)', () => {
    gradcheck({
      shapes: [[1, 3, 2, 2]],
      f: ([x]) => add(x!, attention(x!, x!, reshape(x!, [1, 3, 2, 2]))),
    });
  });
});

describe('attention errors', () => {
  it('rejects head counts that do not group', () => {
    tidy(() => {
      const q = tensor(new Float32Array(3 * 4), [1, 1, 3, 4]);
      const k = tensor(new Float32Array(2 * 4), [1, 1, 2, 4]);
      expect(() => attention(q, k, k)).toThrow(/Attention/);
      expect(CpuBackend).toBeDefined();
    });
  });
});
