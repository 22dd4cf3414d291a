import { expect, it, vi } from 'vitest';
import type { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { TrainingRng } from '../random/training-rng.js';
import type { FloatDType } from '../tensor/dtype.js';
import { getBackend, setBackend } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeEachBackend, referenceBackend } from '../test-utils/backends.js';
import { floatChecks } from '../test-utils/float-dtypes.js';
import { expectClose, gradcheck } from '../test-utils/gradcheck.js';
import { liveBytesOrSkip } from '../test-utils/live-bytes.js';
import { values, valuesOf } from '../test-utils/read.js';
import { attention } from './attention.js';
import { randn, tensor } from './create.js';
import { add, maskedFill, mul } from './elementwise.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { concat, permute, reshape, slice } from './shape-ops.js';
import { softmax } from './softmax.js';

interface NaiveMask {
  causal: boolean;
  keyMask?: Int32Array;
  /** Sliding window (keys per query, itself included); 0 = unlimited. */
  window?: number;
}

/** softmax(Q K^T * scale + mask) V, composed from separate ops on a [B, H, T, D] layout. */
function naiveAttention(q: Tensor, k: Tensor, v: Tensor, { causal, keyMask, window = 0 }: NaiveMask): Tensor {
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
        const position = i + Tk - Tq;
        const future = causal && j > position;
        const tooOld = window > 0 && j <= position - window;
        const padded = keyMask !== undefined && keyMask[b * Tk + j] === 0;
        maskData[(b * Tq + i) * Tk + j] = future || tooOld || padded ? 1 : 0;
      }
  const mask = tensor(maskData, [B, 1, Tq, Tk], 'u8');
  const p = softmax(maskedFill(scores, mask, Number.NEGATIVE_INFINITY));
  return permute(matmul(p, vh), [0, 2, 1, 3]);
}

function qkv(
  rng: TrainingRng,
  B: number,
  Tq: number,
  Tk: number,
  H: number,
  Hkv: number,
  D: number,
  dtype: FloatDType,
) {
  return {
    q: randn([B, Tq, H, D], rng, { dtype }),
    k: randn([B, Tk, Hkv, D], rng, { dtype }),
    v: randn([B, Tk, Hkv, D], rng, { dtype }),
  };
}

describeEachBackend('fused attention', ({ case: c }) => {
  const cases = [
    { name: 'causal MHA', B: 2, Tq: 5, Tk: 5, H: 2, Hkv: 2, D: 4, causal: true },
    { name: 'causal GQA', B: 1, Tq: 7, Tk: 7, H: 4, Hkv: 2, D: 3, causal: true },
    { name: 'non-causal MQA', B: 2, Tq: 3, Tk: 6, H: 3, Hkv: 1, D: 5, causal: false },
    { name: 'causal, fewer queries than keys (bottom-right)', B: 1, Tq: 2, Tk: 5, H: 2, Hkv: 1, D: 4, causal: true },
  ];
  for (const s of cases) {
    it(`${s.name} matches the naive softmax(QK^T)V`, async () => {
      for (const { dtype, tol } of floatChecks(c, { f32: 2e-5, f64: 1e-12 })) {
        const [fused, naive] = await valuesOf(() => {
          const { q, k, v } = qkv(new TrainingRng(7), s.B, s.Tq, s.Tk, s.H, s.Hkv, s.D, dtype);
          return [attention(q, k, v, { causal: s.causal }), naiveAttention(q, k, v, { causal: s.causal })];
        });
        expectClose(fused!, naive!, tol, `${s.name} ${dtype}`);
      }
    });
  }

  it('masks padded keys and gives 0 for a query that sees no key', async () => {
    const [B, T, H, D] = [2, 4, 2, 3];
    const keep = new Int32Array([1, 1, 1, 0, 0, 1, 1, 1]); // row 1 is left-padded
    for (const { dtype, tol } of floatChecks(c, { f32: 2e-5, f64: 1e-12 })) {
      const [fused, naive] = await valuesOf(() => {
        const { q, k, v } = qkv(new TrainingRng(3), B, T, T, H, H, D, dtype);
        return [
          attention(q, k, v, { keyMask: tensor(keep, [B, T], 'i32') }),
          naiveAttention(q, k, v, { causal: true, keyMask: keep }),
        ];
      });
      // Row 1, query 0 sees only a padded key: the fused op defines its output as 0 (naive gives NaN).
      const dead = new Set(Array.from({ length: H * D }, (_, i) => T * H * D + i));
      naive!.forEach((val, i) => {
        if (dead.has(i)) {
          expect(fused![i]).toBe(0);
          expect(val).toBeNaN();
        } else expect(Math.abs(fused![i]! - val), `${dtype} element ${i}`).toBeLessThan(tol);
      });
    }
  });

  it('differentiates q, k and v (causal GQA, padded, and cross-length)', async () => {
    await gradcheck({
      shapes: [
        [2, 4, 4, 3],
        [2, 4, 2, 3],
        [2, 4, 2, 3],
      ],
      f: ([q, k, v]) => attention(q!, k!, v!),
    });
    await gradcheck({
      shapes: [
        [2, 4, 2, 3],
        [2, 4, 1, 3],
        [2, 4, 1, 3],
      ],
      f: ([q, k, v]) =>
        attention(q!, k!, v!, { keyMask: tensor(new Int32Array([0, 1, 1, 1, 1, 1, 0, 1]), [2, 4], 'i32') }),
      seed: 5,
    });
    await gradcheck({
      shapes: [
        [1, 3, 2, 5],
        [1, 6, 2, 5],
        [1, 6, 2, 5],
      ],
      f: ([q, k, v]) => attention(q!, k!, v!, { causal: true, scale: 0.3 }),
      seed: 6,
    });
  });

  it('gives the same gradients as the naive composition', async () => {
    const grads = (dtype: FloatDType, naive: boolean) =>
      valuesOf(() => {
        const rng = new TrainingRng(8);
        const { q, k, v } = qkv(rng, 2, 5, 5, 4, 2, 3, dtype);
        const w = randn([2, 5, 4, 3], rng, { dtype });
        for (const t of [q, k, v]) t.requiresGrad = true;
        const out = naive ? naiveAttention(q, k, v, { causal: true }) : attention(q, k, v);
        sum(mul(out, w)).backward();
        return [q, k, v].map((t) => t.grad!.detach());
      });
    for (const { dtype, tol } of floatChecks(c, { f32: 1e-4, f64: 1e-10 })) {
      const fused = await grads(dtype, false);
      const naive = await grads(dtype, true);
      naive.forEach((g, i) => {
        expectClose(g, fused[i]!, tol, `${dtype} grad ${i}`);
      });
    }
  });

  it('keeps no [T, T] matrix for the backward: saved memory is linear in T', (ctx) => {
    const memory = liveBytesOrSkip(getBackend(), ctx);
    const liveAfterForward = (T: number) =>
      tidy(() => {
        const rng = new TrainingRng(1);
        const q = randn([1, T, 1, 4], rng);
        q.requiresGrad = true;
        const before = memory.stats().liveBytes;
        const out = attention(q, q, q);
        const grown = memory.stats().liveBytes - before;
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

  it('sums correctly with add of its output (a residual)', async () => {
    await gradcheck({
      shapes: [[1, 3, 2, 2]],
      f: ([x]) => add(x!, attention(x!, x!, reshape(x!, [1, 3, 2, 2]))),
    });
  });
});

describeEachBackend('sliding-window attention', ({ case: c }) => {
  it('a window of 1 lets each query see only its own key: the output is v', async () => {
    const [out, v] = await valuesOf(() => {
      const { q, k, v } = qkv(new TrainingRng(2), 2, 4, 4, 2, 2, 3, 'f32');
      return [attention(q, k, v, { window: 1 }), v];
    });
    expectClose(out!, v!, 1e-6, 'window 1');
  });

  it('a window of 2 averages the last two keys by a hand-computed softmax', async () => {
    // One head, D = 1, q = 1 everywhere, k = [0, ln 3, 0, 0], v = [1, 2, 3, 4], scale 1:
    // query 0 sees key 0 (v 1); query 1 sees keys 0, 1 with weights 1/4, 3/4; query 2 sees keys
    // 1, 2 with weights 3/4, 1/4; query 3 sees keys 2, 3 equally.
    const got = await values(() =>
      attention(
        tensor([1, 1, 1, 1], [1, 4, 1, 1]),
        tensor([0, Math.log(3), 0, 0], [1, 4, 1, 1]),
        tensor([1, 2, 3, 4], [1, 4, 1, 1]),
        {
          window: 2,
          scale: 1,
        },
      ),
    );
    expectClose(got, [1, 0.25 + 1.5, 1.5 + 0.75, 3.5], 1e-6, 'window 2');
  });

  const windowCases = [
    { name: 'self-attention, GQA', B: 2, Tq: 6, Tk: 6, H: 4, Hkv: 2, D: 3, window: 3 },
    { name: 'fewer queries than keys', B: 1, Tq: 3, Tk: 7, H: 2, Hkv: 1, D: 4, window: 2 },
  ];
  for (const s of windowCases) {
    it(`${s.name}: matches a hand-written masked softmax, with and without padded keys`, async () => {
      const keyMask = new Int32Array(s.B * s.Tk).fill(1).fill(0, 0, 2);
      for (const { dtype, tol } of floatChecks(c, { f32: 2e-5, f64: 1e-12 })) {
        for (const padded of [false, true]) {
          const [fused, naive] = await valuesOf(() => {
            const { q, k, v } = qkv(new TrainingRng(4), s.B, s.Tq, s.Tk, s.H, s.Hkv, s.D, dtype);
            const mask = padded ? { keyMask: tensor(keyMask, [s.B, s.Tk], 'i32') } : {};
            return [
              attention(q, k, v, { window: s.window, ...mask }),
              naiveAttention(q, k, v, { causal: true, window: s.window, keyMask: padded ? keyMask : undefined }),
            ];
          });
          // A query whose window holds only padding gives 0 (the naive softmax NaN).
          fused!.forEach((val, i) => {
            if (Number.isNaN(naive![i])) expect(val).toBe(0);
            else expect(Math.abs(val - naive![i]!), `${s.name} ${dtype} padded ${padded} [${i}]`).toBeLessThan(tol);
          });
        }
      }
    });
  }

  it('differentiates q, k and v through the window', async () => {
    await gradcheck({
      shapes: [
        [1, 5, 2, 3],
        [1, 5, 1, 3],
        [1, 5, 1, 3],
      ],
      f: ([q, k, v]) => attention(q!, k!, v!, { window: 2 }),
      seed: 9,
    });
    await gradcheck({
      shapes: [
        [2, 2, 2, 2],
        [2, 5, 2, 2],
        [2, 5, 2, 2],
      ],
      f: ([q, k, v]) =>
        attention(q!, k!, v!, {
          window: 3,
          keyMask: tensor(new Int32Array([1, 1, 1, 1, 1, 1, 1, 1, 0, 1]), [2, 5], 'i32'),
        }),
      seed: 10,
    });
  });

  it('agrees with the f32 reference backend, forward and backward', async () => {
    const run = () =>
      valuesOf(() => {
        const { q, k, v } = qkv(new TrainingRng(12), 1, 9, 9, 2, 1, 4, 'f32');
        for (const t of [q, k, v]) t.requiresGrad = true;
        const out = attention(q, k, v, { window: 4 });
        sum(mul(out, out)).backward();
        return [out, q.grad!.detach(), k.grad!.detach(), v.grad!.detach()];
      });
    const got = await run();
    const previous = getBackend();
    setBackend(referenceBackend());
    const want = await run().finally(() => setBackend(previous));
    want.forEach((w, i) => {
      expectClose(got[i]!, w, 1e-5, `output ${i}`);
    });
  });

  it('rejects a negative or fractional window and a window without causal masking', () => {
    tidy(() => {
      const { q, k, v } = qkv(new TrainingRng(1), 1, 2, 2, 1, 1, 2, 'f32');
      expect(() => attention(q, k, v, { window: -1 })).toThrow(
        /Attention: window must be a non-negative integer, got -1/,
      );
      expect(() => attention(q, k, v, { window: 1.5 })).toThrow(/window must be a non-negative integer, got 1.5/);
      expect(() => attention(q, k, v, { window: 2, causal: false })).toThrow(/sliding window needs causal attention/);
    });
  });
});

describeEachBackend(
  'sliding-window attention on the fast CPU kernels',
  (b) => {
    it('takes the reference path only where the window cuts keys off, and agrees with it', async () => {
      const fast = (b.backend as CpuBackend).fast!;
      const forward = vi.spyOn(fast, 'attention');
      const backward = vi.spyOn(fast, 'attentionBackward');
      const run = (window: number) =>
        valuesOf(() => {
          const { q, k, v } = qkv(new TrainingRng(5), 1, 6, 6, 2, 2, 4, 'f32');
          q.requiresGrad = true;
          const out = attention(q, k, v, { window });
          sum(out).backward();
          return [out, q.grad!.detach()];
        });
      try {
        const biting = await run(3);
        expect(forward).not.toHaveBeenCalled();
        expect(backward).not.toHaveBeenCalled();
        // A window as long as the keys cuts nothing off: the fast kernel runs plain causal attention.
        const wide = await run(6);
        expect(forward).toHaveBeenCalledTimes(1);
        expect(backward).toHaveBeenCalledTimes(1);
        const previous = getBackend();
        setBackend(referenceBackend());
        const [want, wantWide] = await Promise.all([run(3), run(6)]).finally(() => setBackend(previous));
        // The same reference code on the same f32 inputs: bit for bit.
        expect(biting).toEqual(want);
        wide.forEach((t, i) => {
          expectClose(t, wantWide![i]!, 1e-5, `window 6, output ${i}`);
        });
      } finally {
        forward.mockRestore();
        backward.mockRestore();
      }
    });
  },
  (c) => c.name === 'cpu-fast',
);

describeEachBackend('attention errors', () => {
  it('rejects head counts that do not group', () => {
    tidy(() => {
      const q = tensor(new Float32Array(3 * 4), [1, 1, 3, 4]);
      const k = tensor(new Float32Array(2 * 4), [1, 1, 2, 4]);
      expect(() => attention(q, k, k)).toThrow(/Attention: 3 query heads are not a multiple of 2 key\/value heads/);
    });
  });
});
