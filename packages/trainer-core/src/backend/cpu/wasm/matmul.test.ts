import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CpuFastKernels } from '../fast-kernels.js';
import { CpuHeap } from '../heap.js';
import { createCpuFastKernels } from './create-fast-kernels.js';
import { type MatmulCase, randomArray, referenceMatmul, rng, upload, worstError } from './test-utils/oracle.js';

const SIZES = [1, 2, 5, 6, 7, 8, 9, 13, 17, 65];

function randomCase(next: () => number, big: boolean): MatmulCase {
  const pick = (xs: readonly number[]) => xs[Math.floor(next() * xs.length)]!;
  const m = big ? pick([97, 130, 200]) : pick(SIZES);
  const n = big ? pick([70, 129, 260]) : pick(SIZES);
  const k = big ? pick([100, 401, 777]) : pick(SIZES);
  const batch = big ? 1 : pick([1, 1, 2, 3]);
  const strideA = batch > 1 && next() < 0.3 ? 0 : m * k;
  const strideB = batch > 1 && next() < 0.3 ? 0 : k * n;
  return {
    m,
    n,
    k,
    batch,
    transA: next() < 0.5,
    transB: next() < 0.5,
    strideA,
    strideB,
    strideC: m * n + (next() < 0.3 ? 3 : 0),
    accumulate: next() < 0.4,
    alpha: next() < 0.5 ? 1 : -0.75,
  };
}

function runCase(heap: CpuHeap, kernels: CpuFastKernels, p: MatmulCase, seed: number) {
  const next = rng(seed);
  const a = randomArray(next, (p.batch - 1) * p.strideA + p.m * p.k);
  const b = randomArray(next, (p.batch - 1) * p.strideB + p.k * p.n);
  const c = randomArray(next, (p.batch - 1) * p.strideC + p.m * p.n);
  const want = referenceMatmul(p, a, b, c);
  const [pa, pb, pc] = [upload(heap, a), upload(heap, b), upload(heap, c)];
  kernels.matmul({ a: pa, b: pb, c: pc, ...p });
  const got = heap.f32(pc, c.length).slice();
  for (const ptr of [pa, pb, pc]) heap.release(ptr);
  return worstError(got, want.c, want.magnitude, 1e-6);
}

for (const fma of [true, false]) {
  for (const threads of [1, 2]) {
    describe(`matmul (fma ${fma}, ${threads} thread${threads > 1 ? 's' : ''})`, () => {
      const heap = new CpuHeap(16 << 20);
      let kernels: CpuFastKernels;
      beforeAll(async () => {
        kernels = await createCpuFastKernels(heap, { threads, fma });
      });
      afterAll(() => kernels.dispose());

      it('reports its configuration', () => {
        expect(kernels.threads).toBe(threads);
        expect(kernels.fma).toBe(fma);
      });

      it('matches the f64 reference over random small shapes, transposes, batch strides and accumulate', () => {
        const next = rng(1000 + threads + (fma ? 10 : 0));
        for (let t = 0; t < 60; t++) {
          const p = randomCase(next, false);
          const { worst, at } = runCase(heap, kernels, p, t);
          expect(worst, `case ${JSON.stringify(p)} at ${at}`).toBeLessThanOrEqual(1);
        }
      });

      it('matches the reference on shapes large enough to split across threads and K blocks', () => {
        const next = rng(77 + threads);
        for (let t = 0; t < 4; t++) {
          const p = randomCase(next, true);
          const { worst, at } = runCase(heap, kernels, p, 100 + t);
          expect(worst, `case ${JSON.stringify(p)} at ${at}`).toBeLessThanOrEqual(1);
        }
      });
    });
  }
}

describe('matmul memory fallbacks', () => {
  it('splits batches to fit the shared B slab, and packs per unit when one item does not fit', async () => {
    const heap = new CpuHeap(16 << 20);
    const p: MatmulCase = {
      m: 70,
      n: 90,
      k: 50,
      batch: 3,
      transA: false,
      transB: true,
      strideA: 70 * 50,
      strideB: 90 * 50,
      strideC: 70 * 90,
      accumulate: true,
      alpha: 0.5,
    };
    // One item's packed B is 96 x 50 floats (19,200 bytes): a 40,000-byte slab holds 2 items, 10,000 none.
    for (const matmulSlabBytes of [40_000, 10_000]) {
      for (const threads of [1, 2]) {
        const kernels = await createCpuFastKernels(heap, { threads, matmulSlabBytes });
        for (const strideB of [p.strideB, 0]) {
          const { worst, at } = runCase(heap, kernels, { ...p, strideB }, 5);
          expect(worst, `slab ${matmulSlabBytes}, strideB ${strideB}, at ${at}`).toBeLessThanOrEqual(1);
        }
        kernels.dispose();
      }
    }
  });
});
