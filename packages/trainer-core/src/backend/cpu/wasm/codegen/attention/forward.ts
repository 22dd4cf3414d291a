/**
 * Fused causal/padded attention forward over [batch, seq, heads, headDim] layouts with grouped-query
 * heads, flash style: scores exist only as 64 x 64 blocks in per-thread scratch.
 *
 * One work unit per (batch, head, query block), heaviest causal blocks first: for each
 * key block up to the causal limit, S = scale * Q K^T (packed panels + the matmul micro-kernel),
 * mask, online softmax (running max m and sum l per row, rescaling the output accumulator when
 * m grows), O += P V. Finally out = O / l and lse = m + log l (fully masked rows: 0 and -inf).
 */
import { f32, f32x4, f64, i32, type Local, select, v128 } from '../../emit/expr.js';
import { call, type FunctionBuilder } from '../../emit/function-builder.js';
import { MR, transpose4 } from '../gemm/blocks.js';
import { hmax, type VecExp, vecExp } from '../vmath.js';
import {
  ATTENTION_PARAMS,
  type AttentionDeps,
  bytes,
  ceilDiv,
  emitKeyBias,
  emitMaskRow,
  NEG_INF,
  round4,
  rowOffset,
  validKeys,
} from './common.js';
import { ATTN_BK, ATTN_BQ, FORWARD_BUFFERS } from './layout.js';

export function emitAttentionForward(f: FunctionBuilder, { gemm, rows: rowFns, host, env }: AttentionDeps): void {
  const p = f.named(ATTENTION_PARAMS);
  const exp: VecExp = vecExp(f, env);
  const [qBlocks, units, base, group, rowQ, rowK, dPad, shift, u, bh, qb, b, h, kh] = f.locals('i32', 14);
  const [i0, nRows, kEnd, j0, cols, r, c, valid, sRow, oRow, qOff, kvOff] = f.locals('i32', 12);
  const [mOld, mNew, corr, l] = f.locals('f32', 4);
  const [vmax, tmp] = f.locals('v128', 2);
  const [rg, panel] = f.locals('i32', 2);
  const shiftV = f.locals('v128', MR);
  const sums = f.locals('v128', MR);
  const ev = f.locals('v128', MR);
  const tv = f.locals('v128', MR);
  const buf = Object.fromEntries(FORWARD_BUFFERS.map((name) => [name, f.local('i32')])) as Record<
    (typeof FORWARD_BUFFERS)[number],
    Local
  >;

  f.set(qBlocks, ceilDiv(p.tq, ATTN_BQ));
  f.set(units, i32.mul(i32.mul(p.batch, p.heads), qBlocks));
  f.set(base, i32.add(p.scratch, i32.mul(p.tid, p.scratchStride)));
  FORWARD_BUFFERS.forEach((name, i) => {
    f.set(buf[name], i32.add(base, i32.load(p.layout, i * 4)));
  });
  f.set(group, i32.divU(p.heads, p.kvHeads));
  f.set(rowQ, i32.mul(p.heads, p.d));
  f.set(rowK, i32.mul(p.kvHeads, p.d));
  f.set(dPad, round4(p.d));
  f.set(shift, i32.sub(p.tk, p.tq));

  f.block((done) => {
    f.loop((next) => {
      f.set(u, i32.atomicAdd(p.counter, 1));
      f.brIf(done, i32.geU(u, units));
      f.set(bh, i32.divU(u, qBlocks));
      // Last query blocks see the most keys under a causal mask: hand them out first.
      f.set(qb, i32.sub(i32.sub(qBlocks, 1), i32.sub(u, i32.mul(bh, qBlocks))));
      f.set(b, i32.divU(bh, p.heads));
      f.set(h, i32.sub(bh, i32.mul(b, p.heads)));
      f.set(kh, i32.divU(h, group));
      f.set(i0, i32.mul(qb, ATTN_BQ));
      f.set(nRows, i32.minS(ATTN_BQ, i32.sub(p.tq, i0)));
      f.set(qOff, rowOffset(b, p.tq, i0, p.heads, h, p.d));
      f.do(call(gemm.packA, [i32.add(p.q, qOff), rowQ, 0, nRows, p.d, buf.qPack]));
      f.do(call(rowFns.fill, [buf.m, 1, ATTN_BQ, 0, f32.const(NEG_INF)]));
      f.do(call(rowFns.fill, [buf.l, 1, ATTN_BQ, 0, f32.const(0)]));
      f.do(call(rowFns.fill, [buf.o, 1, i32.mul(dPad, ATTN_BQ), 0, f32.const(0)]));
      f.set(kEnd, select('i32', i32.maxS(0, i32.minS(p.tk, i32.add(i32.add(i0, nRows), shift))), p.tk, p.causal));

      f.forRange(j0, 0, kEnd, ATTN_BK, () => {
        f.set(cols, i32.minS(ATTN_BK, i32.sub(kEnd, j0)));
        f.set(kvOff, rowOffset(b, p.tk, j0, p.kvHeads, kh, p.d));
        f.do(call(gemm.packB, [i32.add(p.k, kvOff), rowK, 1, p.d, cols, buf.kPack]));
        f.do(call(gemm.tiles, [buf.qPack, buf.kPack, nRows, cols, p.d, buf.s, ATTN_BK * 4, 0, p.scale, buf.tile]));
        f.if(p.keyMask, () => emitKeyBias(f, buf.bias, p.keyMask, b, p.tk, j0, cols, c));

        // Per row: mask, new running max, rescale l and O; the exponent shift goes to buf.shift.
        f.forRange(r, 0, round4(nRows), 1, () => {
          f.set(sRow, i32.add(buf.s, i32.mul(r, ATTN_BK * 4)));
          f.set(valid, select('i32', validKeys(p.causal, cols, i32.add(i0, r), shift, j0), 0, i32.ltS(r, nRows)));
          emitMaskRow(f, sRow, valid, cols, p.keyMask, buf.bias, c);
          f.set(vmax, f32x4.splatConst(NEG_INF));
          f.forRange(c, 0, round4(cols), 4, () => {
            f.set(vmax, f32x4.max(vmax, v128.load(i32.add(sRow, bytes(c)))));
          });
          f.set(mOld, f32.load(i32.add(buf.m, bytes(r))));
          f.set(mNew, f32.max(mOld, hmax(f, vmax, tmp)));
          // A row with nothing visible yet keeps shift 0, so its -inf scores give exactly 0.
          f.do(f32.store(i32.add(buf.shift, bytes(r)), f32.const(0)));
          f.if(f32.ne(mNew, f32.const(NEG_INF)), () => {
            f.do(f32.store(i32.add(buf.shift, bytes(r)), mNew));
            exp.into(tmp, f32x4.splat(f32.sub(mOld, mNew)));
            f.set(corr, f32x4.extractLane(tmp, 0));
            f.do(f32.store(i32.add(buf.m, bytes(r)), mNew));
            f.if(f32.ne(corr, f32.const(1)), () => {
              const lAt = i32.add(buf.l, bytes(r));
              f.do(f32.store(lAt, f32.mul(f32.load(lAt), corr)));
              f.set(oRow, i32.add(buf.o, bytes(i32.mul(r, dPad))));
              f.do(call(rowFns.scale, [oRow, oRow, dPad, corr]));
            });
          });
        });

        // Per group of MR rows: P = exp(S - shift), summed into l and written transposed
        // straight into the packed A panels of the P V product (4x4 blocks = panel entries).
        f.forRange(rg, 0, nRows, MR, () => {
          f.set(panel, i32.add(buf.pPack, bytes(i32.mul(i32.mul(i32.divU(rg, MR), cols), MR))));
          f.set(sRow, i32.add(buf.s, i32.mul(rg, ATTN_BK * 4)));
          for (let q = 0; q < MR; q++) {
            f.set(shiftV[q]!, f32x4.splat(f32.load(i32.add(buf.shift, bytes(i32.add(rg, q))))));
            f.set(sums[q]!, f32x4.splatConst(0));
          }
          f.forRange(c, 0, round4(cols), 4, () => {
            for (let q = 0; q < MR; q++) {
              exp.into(ev[q]!, f32x4.sub(v128.load(i32.add(sRow, bytes(c)), q * ATTN_BK * 4), shiftV[q]!));
              f.set(sums[q]!, f32x4.add(sums[q]!, ev[q]!));
            }
            transpose4(f, ev, tv);
            for (let j = 0; j < 4; j++) f.do(v128.store(panel, ev[j]!, j * MR * 4));
            f.inc(panel, 4 * MR * 4);
          });
          for (let q = 0; q < MR; q++) {
            const lAt = i32.add(buf.l, bytes(i32.add(rg, q)));
            f.do(f32.store(lAt, f32.add(f32.load(lAt), f32x4.hsum(sums[q]!))));
          }
        });

        f.do(call(gemm.packB, [i32.add(p.v, kvOff), rowK, 0, cols, p.d, buf.vPack]));
        f.do(call(gemm.tiles, [buf.pPack, buf.vPack, nRows, p.d, cols, buf.o, bytes(dPad), 1, f32.const(1), buf.tile]));
      });

      f.forRange(r, 0, nRows, 1, () => {
        const outRow = i32.add(p.out, i32.add(qOff, bytes(i32.mul(r, rowQ))));
        const lseAt = i32.add(p.lse, bytes(i32.add(i32.mul(i32.add(i32.mul(b, p.heads), h), p.tq), i32.add(i0, r))));
        f.set(l, f32.load(i32.add(buf.l, bytes(r))));
        f.if(
          f32.eq(l, f32.const(0)),
          () => {
            f.do(call(rowFns.fill, [outRow, 1, p.d, 0, f32.const(0)]));
            f.do(f32.store(lseAt, f32.const(NEG_INF)));
          },
          () => {
            f.do(call(rowFns.scale, [outRow, i32.add(buf.o, bytes(i32.mul(r, dPad))), p.d, f32.div(f32.const(1), l)]));
            const logL = f32.demoteF64(call(host.log, [f64.promoteF32(l)]));
            f.do(f32.store(lseAt, f32.add(f32.load(i32.add(buf.m, bytes(r))), logL)));
          },
        );
      });
      f.br(next);
    });
  });
}
