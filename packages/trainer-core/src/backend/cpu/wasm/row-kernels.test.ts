/**
 * The element-wise and row kernels against the plain-TypeScript reference kernels (the oracle
 * the issue names), over sizes with vector tails, several parallel chunks, both modules and 1-2
 * threads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CpuFastKernels } from '../fast-kernels.js';
import { CpuHeap } from '../heap.js';
import { crossEntropyRows } from '../reference/cross-entropy.js';
import { binary, gatedAct, gatedActGrad } from '../reference/elementwise.js';
import { rmsNormGradRows, rmsNormRows } from '../reference/norm.js';
import { adamw } from '../reference/optim.js';
import { rope } from '../reference/rope.js';
import { createCpuFastKernels } from './create-fast-kernels.js';
import { relativeError } from './test-utils/attention-oracle.js';
import { randomArray, rng, upload } from './test-utils/oracle.js';

const SIZES = [1, 3, 4, 5, 17, 16384 + 7, 40000];

for (const fma of [true, false]) {
  for (const threads of [1, 2]) {
    describe(`element-wise and row kernels (fma ${fma}, ${threads} thread${threads > 1 ? 's' : ''})`, () => {
      const heap = new CpuHeap(16 << 20);
      let k: CpuFastKernels;
      const next = rng(31 + threads + (fma ? 100 : 0));
      const live: number[] = [];
      const put = (values: ArrayLike<number>) => {
        const ptr = upload(heap, values);
        live.push(ptr);
        return ptr;
      };
      const putI32 = (values: Int32Array) => {
        const ptr = heap.alloc(Math.max(values.length, 1) * 4);
        heap.i32(ptr, values.length).set(values);
        live.push(ptr);
        return ptr;
      };
      const read = (ptr: number, n: number) => heap.f32(ptr, n).slice();
      /** A seeded random size in [lo, hi]: every run also sees shapes nobody picked by hand. */
      const randomSize = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
      beforeAll(async () => {
        k = await createCpuFastKernels(heap, { threads, fma });
      });
      afterAll(() => {
        for (const ptr of live) heap.release(ptr);
        k.dispose();
      });

      it('binary add/sub/mul/div and addInPlace match the reference', () => {
        for (const n of [...SIZES, randomSize(1, 5000)]) {
          const a = randomArray(next, n);
          const b = randomArray(next, n).map((v) => v + Math.sign(v || 1) * 0.5);
          for (const op of ['add', 'sub', 'mul', 'div'] as const) {
            const out = put(new Float32Array(n + 1).fill(7));
            k.binary({ op, a: put(a), b: put(b), out, n });
            const want = new Float32Array(n);
            binary(op, want, a, [1], b, [1], [n], [1]);
            expect(read(out, n)).toEqual(want);
            expect(read(out + n * 4, 1)[0], `${op} wrote past n`).toBe(7);
          }
          const dst = randomArray(next, n);
          const pd = put(dst);
          k.addInPlace({ dst: pd, src: put(b), n, alpha: -0.5 });
          const want = dst.map((v, i) => v + -0.5 * b[i]!);
          expect(relativeError(read(pd, n), want)).toBeLessThanOrEqual(1e-7);
        }
      });

      it('gatedAct and gatedActGrad (silu, gelu) match the reference', () => {
        for (const n of [...SIZES, randomSize(1, 5000)]) {
          const gate = randomArray(next, n, 8);
          const up = randomArray(next, n, 2);
          const dy = randomArray(next, n);
          if (n > 4) gate.set([-100, 100, 0, -0.0001]);
          for (const act of ['silu', 'gelu'] as const) {
            const out = put(new Float32Array(n));
            k.gatedAct({ act, gate: put(gate), up: put(up), out, n });
            const want = new Float32Array(n);
            gatedAct(act, want, gate, up, n);
            expect(relativeError(read(out, n), want), `${act} n=${n}`).toBeLessThanOrEqual(2e-6);
            const [dgate, dup] = [put(new Float32Array(n)), put(new Float32Array(n))];
            k.gatedActGrad({ act, gate: put(gate), up: put(up), dy: put(dy), dgate, dup, n });
            const [wg, wu] = [new Float32Array(n), new Float32Array(n)];
            gatedActGrad(act, wg, wu, gate, up, dy, n);
            expect(relativeError(read(dgate, n), wg), `${act} dgate n=${n}`).toBeLessThanOrEqual(2e-6);
            expect(relativeError(read(dup, n), wu), `${act} dup n=${n}`).toBeLessThanOrEqual(2e-6);
          }
        }
      });

      it('adamw matches torch semantics as the reference implements them, over several steps', () => {
        for (const n of [...SIZES, randomSize(1, 5000)]) {
          const p = randomArray(next, n);
          const m = new Float32Array(n);
          const v = new Float32Array(n);
          const [pp, pm, pv] = [put(p), put(m), put(v)];
          for (let step = 1; step <= 3; step++) {
            const g = randomArray(next, n);
            const attrs = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step };
            k.adamw({ param: pp, grad: put(g), expAvg: pm, expAvgSq: pv, n, ...attrs });
            adamw(p, g, m, v, n, attrs);
          }
          expect(relativeError(read(pp, n), p), `param n=${n}`).toBeLessThanOrEqual(1e-6);
          expect(relativeError(read(pm, n), m), `exp_avg n=${n}`).toBeLessThanOrEqual(1e-6);
          expect(relativeError(read(pv, n), v), `exp_avg_sq n=${n}`).toBeLessThanOrEqual(1e-6);
        }
      });

      it('rmsNorm and rmsNormGrad match the reference (with the Gemma weight offset too)', () => {
        for (const [rows, dim] of [
          [1, 1],
          [3, 7],
          [5, 64],
          [130, 33],
          [300, 256],
          [randomSize(1, 100), randomSize(1, 300)],
        ] as [number, number][]) {
          for (const offset of [0, 1]) {
            const x = randomArray(next, rows * dim, 3);
            const w = randomArray(next, dim);
            const dy = randomArray(next, rows * dim);
            const [px, pw] = [put(x), put(w)];
            const [out, rstd] = [put(new Float32Array(rows * dim)), put(new Float32Array(rows))];
            k.rmsNorm({ x: px, weight: pw, out, rstd, rows, dim, eps: 1e-6, weightOffset: offset });
            const [wy, wr] = [new Float32Array(rows * dim), new Float32Array(rows)];
            rmsNormRows(wy, wr, x, w, rows, dim, 1e-6, offset);
            expect(relativeError(read(out, rows * dim), wy), `y ${rows}x${dim}`).toBeLessThanOrEqual(2e-6);
            expect(relativeError(read(rstd, rows), wr), `rstd ${rows}x${dim}`).toBeLessThanOrEqual(2e-6);
            const [dx, dw] = [put(new Float32Array(rows * dim)), put(new Float32Array(dim).fill(9))];
            k.rmsNormGrad({ x: px, weight: pw, rstd, dy: put(dy), dx, dw, rows, dim, weightOffset: offset });
            const [wdx, wdw] = [new Float32Array(rows * dim), new Float32Array(dim)];
            rmsNormGradRows(wdx, wdw, x, w, wr, dy, rows, dim, offset);
            expect(relativeError(read(dx, rows * dim), wdx), `dx ${rows}x${dim}`).toBeLessThanOrEqual(1e-5);
            expect(relativeError(read(dw, dim), wdw), `dw ${rows}x${dim}`).toBeLessThanOrEqual(1e-5);
          }
        }
      });

      it('crossEntropy matches the reference: loss, accuracy, tokens and dlogits, with ignore and mask', () => {
        for (const [rows, vocab] of [
          [1, 1],
          [4, 5],
          [37, 130],
          [300, 512],
          [randomSize(1, 100), randomSize(1, 600)],
        ] as [number, number][]) {
          const logits = randomArray(next, rows * vocab, 4);
          const labels = new Int32Array(rows).map(() => Math.floor(next() * vocab));
          if (rows > 2) labels[1] = -100;
          // A tie for the max: the first index counts as the argmax.
          if (vocab > 3) logits.set([2.5, 9, 9, 1].slice(0, vocab), 0);
          const mask = new Int32Array(rows).map(() => (next() < 0.8 ? 1 : 0));
          for (const withMask of [false, true]) {
            const dl = put(new Float32Array(rows * vocab).fill(5));
            const got = k.crossEntropy({
              logits: put(logits),
              labels: putI32(labels),
              mask: withMask ? putI32(mask) : 0,
              rows,
              vocab,
              ignoreIndex: -100,
              dlogits: dl,
            });
            const want = new Float32Array(rows * vocab);
            const r = crossEntropyRows(logits, labels, withMask ? mask : undefined, rows, vocab, -100, want);
            expect(got.tokens).toBe(r.tokens);
            expect(got.loss).toBeCloseTo(r.loss, 5);
            expect(got.accuracy).toBeCloseTo(r.accuracy, 10);
            expect(relativeError(read(dl, rows * vocab), want), `dlogits ${rows}x${vocab}`).toBeLessThanOrEqual(1e-6);
          }
        }
        // Labels outside [0, vocab) that are not the ignore index count nowhere: kernels trust
        // their inputs (labels are checked where they are made, see ops/validate-data.ts).
        const logits = randomArray(next, 3 * 5, 4);
        const dl = put(new Float32Array(3 * 5).fill(5));
        const got = k.crossEntropy({
          logits: put(logits),
          labels: putI32(new Int32Array([2, 7, -3])),
          mask: 0,
          rows: 3,
          vocab: 5,
          ignoreIndex: -100,
          dlogits: dl,
        });
        const row = Array.from(logits.subarray(0, 5));
        const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
        expect(got.tokens).toBe(1);
        expect(got.loss).toBeCloseTo(lse - row[2]!, 5);
        expect(got.accuracy).toBe(row.indexOf(Math.max(...row)) === 2 ? 1 : 0);
        expect(Array.from(read(dl + 5 * 4, 10))).toEqual(new Array(10).fill(0));
      });

      it('rope matches the reference, forward and inverse, with and without explicit positions', () => {
        for (const [batch, seq, heads, dim] of [
          [1, 1, 1, 2],
          [2, 5, 3, 6],
          [2, 37, 4, 64],
          [1, 300, 2, 10],
          [randomSize(1, 3), randomSize(1, 80), randomSize(1, 5), 2 * randomSize(1, 40)],
        ] as [number, number, number, number][]) {
          const n = batch * seq * heads * dim;
          const x = randomArray(next, n);
          const positions = new Int32Array(batch * seq).map(() => Math.floor(next() * 400));
          for (const inverse of [false, true]) {
            for (const explicit of [false, true]) {
              const out = put(new Float32Array(n));
              const args = { batch, seq, heads, dim, theta: 10000, positionOffset: 3, inverse };
              k.rope({ ...args, x: put(x), out, positions: explicit ? putI32(positions) : 0 });
              const want = new Float32Array(n);
              rope(want, x, batch, seq, heads, dim, 10000, explicit ? positions : undefined, 3, inverse);
              expect(relativeError(read(out, n), want), `rope ${[batch, seq, heads, dim]}`).toBeLessThanOrEqual(1e-6);
            }
          }
        }
      });
    });
  }
}
