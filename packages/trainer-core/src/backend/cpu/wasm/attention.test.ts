import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttentionDims } from '../../../kernels/shapes/attention-dims.js';
import type { CpuFastKernels } from '../fast-kernels.js';
import { CpuHeap } from '../heap.js';
import { createCpuFastKernels } from './create-fast-kernels.js';
import { type AttentionData, referenceAttention, relativeError } from './test-utils/attention-oracle.js';
import { randomArray, rng, upload } from './test-utils/oracle.js';

const TOL = 2e-5;

function randomCase(next: () => number): AttentionDims {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const [heads, kvHeads] = pick([
    [1, 1],
    [2, 2],
    [4, 2],
    [4, 1],
    [3, 3],
  ] as const);
  const tq = pick([1, 7, 13, 64, 65, 130]);
  const tk = next() < 0.6 ? tq : pick([1, 7, 13, 64, 65, 130]);
  const headDim = pick([1, 3, 4, 7, 8, 16, 33, 64]);
  // The fast kernel has no sliding window (the CPU kernel file sends windowed calls to the reference).
  const scale = 1 / Math.sqrt(headDim);
  return { batch: pick([1, 2]), heads, kvHeads, tq, tk, headDim, scale, causal: next() < 0.6, window: 0 };
}

function randomData(p: AttentionDims, next: () => number, withMask: boolean): AttentionData {
  const qn = p.batch * p.tq * p.heads * p.headDim;
  const kn = p.batch * p.tk * p.kvHeads * p.headDim;
  let mask: Int32Array | undefined;
  if (withMask) {
    mask = new Int32Array(p.batch * p.tk).map(() => (next() < 0.75 ? 1 : 0));
    // The last batch item pads everything, so its rows are fully masked.
    if (p.batch > 1) mask.fill(0, (p.batch - 1) * p.tk);
  }
  return {
    q: randomArray(next, qn, 2),
    k: randomArray(next, kn, 2),
    v: randomArray(next, kn),
    dout: randomArray(next, qn),
    mask,
  };
}

function run(heap: CpuHeap, kernels: CpuFastKernels, p: AttentionDims, x: AttentionData) {
  const qn = x.q.length;
  const kn = x.k.length;
  const ptr = {
    q: upload(heap, x.q),
    k: upload(heap, x.k),
    v: upload(heap, x.v),
    dout: upload(heap, x.dout),
    out: heap.alloc(qn * 4 + 4),
    lse: heap.alloc(p.batch * p.heads * p.tq * 4 + 4),
    dq: heap.alloc(qn * 4 + 4),
    dk: heap.alloc(kn * 4 + 4),
    dv: heap.alloc(kn * 4 + 4),
    mask: x.mask ? heap.alloc(x.mask.length * 4) : 0,
  };
  if (x.mask) heap.i32(ptr.mask, x.mask.length).set(x.mask);
  // Garbage in the outputs proves the kernels write (not accumulate into) them.
  for (const [at, n] of [
    [ptr.out, qn],
    [ptr.dq, qn],
    [ptr.dk, kn],
    [ptr.dv, kn],
  ] as const) {
    heap.f32(at, n).fill(123);
  }
  const { window: _, ...dims } = p;
  const args = { ...dims, q: ptr.q, k: ptr.k, v: ptr.v, out: ptr.out, lse: ptr.lse, keyMask: ptr.mask };
  kernels.attention(args);
  kernels.attentionBackward({ ...args, dout: ptr.dout, dq: ptr.dq, dk: ptr.dk, dv: ptr.dv });
  const got = {
    out: heap.f32(ptr.out, qn).slice(),
    lse: heap.f32(ptr.lse, p.batch * p.heads * p.tq).slice(),
    dq: heap.f32(ptr.dq, qn).slice(),
    dk: heap.f32(ptr.dk, kn).slice(),
    dv: heap.f32(ptr.dv, kn).slice(),
  };
  for (const at of Object.values(ptr)) if (at) heap.release(at);
  return got;
}

function expectMatches(p: AttentionDims, got: ReturnType<typeof run>, x: AttentionData) {
  const want = referenceAttention(p, x);
  const label = JSON.stringify({ ...p, mask: !!x.mask });
  for (const key of ['out', 'lse', 'dq', 'dk', 'dv'] as const) {
    expect(relativeError(got[key], want[key]), `${key} of ${label}`).toBeLessThanOrEqual(TOL);
  }
}

for (const fma of [true, false]) {
  for (const threads of [1, 2]) {
    describe(`fused attention (fma ${fma}, ${threads} thread${threads > 1 ? 's' : ''})`, () => {
      const heap = new CpuHeap(16 << 20);
      let kernels: CpuFastKernels;
      beforeAll(async () => {
        kernels = await createCpuFastKernels(heap, { threads, fma });
      });
      afterAll(() => kernels.dispose());

      it('forward and backward match the f64 oracle over random shapes, GQA, causal and key masks', () => {
        const next = rng(500 + threads + (fma ? 7 : 0));
        for (let t = 0; t < 14; t++) {
          const p = randomCase(next);
          const x = randomData(p, next, next() < 0.4);
          expectMatches(p, run(heap, kernels, p, x), x);
        }
      });

      it('handles the decoder shape (several key blocks, causal) and a causal query block longer than the keys', () => {
        const next = rng(9);
        for (const p of [
          { batch: 2, heads: 4, kvHeads: 2, tq: 200, tk: 200, headDim: 64, scale: 0.125, causal: true, window: 0 },
          { batch: 1, heads: 2, kvHeads: 1, tq: 70, tk: 20, headDim: 16, scale: 0.25, causal: true, window: 0 },
          { batch: 1, heads: 2, kvHeads: 2, tq: 5, tk: 0, headDim: 8, scale: 0.3, causal: false, window: 0 },
        ]) {
          const x = randomData(p, next, false);
          expectMatches(p, run(heap, kernels, p, x), x);
        }
      });
    });
  }
}

describe('fused attention argument checks', () => {
  it('names the field and the expectation', async () => {
    const heap = new CpuHeap(1 << 20);
    const kernels = await createCpuFastKernels(heap, { threads: 1 });
    const base = { q: 1024, k: 1024, v: 1024, out: 1024, lse: 1024, keyMask: 0, batch: 1, tq: 1, tk: 1 };
    expect(() => kernels.attention({ ...base, heads: 3, kvHeads: 2, headDim: 4, scale: 1, causal: false })).toThrow(
      /heads \(3\) must be a multiple of kvHeads \(2\)/,
    );
    expect(() => kernels.attention({ ...base, heads: 1, kvHeads: 1, headDim: 0, scale: 1, causal: false })).toThrow(
      /headDim must be in 1\.\.512, got 0/,
    );
    expect(() =>
      kernels.attention({ ...base, q: 3, heads: 1, kvHeads: 1, headDim: 4, scale: 1, causal: false }),
    ).toThrow(/attention: q must be a non-zero 4-byte-aligned heap offset, got 3/);
    kernels.dispose();
  });
});
