/**
 * Fused causal/padded attention backward over [batch, seq, heads, headDim] layouts.
 *
 * One work unit per (batch, key/value head), so the unit owns dK/dV of its keys and dQ
 * of its query heads and threads never write the same rows: for each key block and each query
 * block that can see it, recompute P = exp(scale * Q K^T - lse), dP = dO V^T,
 * dS = P (dP - rowsum(dO * O)) * scale, and accumulate dV += P^T dO, dK += dS^T Q, dQ += dS K.
 */
import { f32, f32x4, i32, type Local, select, v128 } from '../../emit/expr.js';
import { call, type FunctionBuilder } from '../../emit/function-builder.js';
import { type VecExp, vecExp } from '../vmath.js';
import {
  ATTENTION_BACKWARD_PARAMS,
  type AttentionDeps,
  bytes,
  emitKeyBias,
  emitMaskRow,
  NEG_INF,
  round4,
  rowOffset,
  validKeys,
} from './common.js';
import { ATTN_BK, ATTN_BQ, BACKWARD_BUFFERS } from './layout.js';

export function emitAttentionBackward(f: FunctionBuilder, { gemm, rows: rowFns, env }: AttentionDeps): void {
  const p = f.named(ATTENTION_BACKWARD_PARAMS);
  const exp: VecExp = vecExp(f, env);
  const [units, base, group, rowQ, rowK, shift, u, b, kh, h0, g, h, j0, cols] = f.locals('i32', 14);
  const [iStart, i0, nRows, r, c, valid, pRow, dsRow, qOff, kvOff, rOff] = f.locals('i32', 11);
  const [lseR, dRow] = f.locals('f32', 2);
  const [lv, dv, sv, pv] = f.locals('v128', 4);
  const buf = Object.fromEntries(BACKWARD_BUFFERS.map((name) => [name, f.local('i32')])) as Record<
    (typeof BACKWARD_BUFFERS)[number],
    Local
  >;
  const one = f32.const(1);

  f.set(units, i32.mul(p.batch, p.kvHeads));
  f.set(base, i32.add(p.scratch, i32.mul(p.tid, p.scratchStride)));
  BACKWARD_BUFFERS.forEach((name, i) => {
    f.set(buf[name], i32.add(base, i32.load(p.layout, i * 4)));
  });
  f.set(group, i32.divU(p.heads, p.kvHeads));
  f.set(rowQ, i32.mul(p.heads, p.d));
  f.set(rowK, i32.mul(p.kvHeads, p.d));
  f.set(shift, i32.sub(p.tk, p.tq));
  f.set(sv, f32x4.splat(p.scale));

  /** grad[key rows of the block] += block^T @ rows[query rows], for block P or dS and rows dO or Q. */
  const addToKeyRows = (block: Local, rows: Local, grad: Local) => {
    f.do(call(gemm.packA, [block, ATTN_BK, 1, cols, nRows, buf.aPack]));
    f.do(call(gemm.packB, [i32.add(rows, qOff), rowQ, 0, nRows, p.d, buf.bPack]));
    f.do(
      call(gemm.tiles, [buf.aPack, buf.bPack, cols, p.d, nRows, i32.add(grad, kvOff), bytes(rowK), 1, one, buf.tile]),
    );
  };

  f.block((done) => {
    f.loop((next) => {
      f.set(u, i32.atomicAdd(p.counter, 1));
      f.brIf(done, i32.geU(u, units));
      f.set(b, i32.divU(u, p.kvHeads));
      f.set(kh, i32.sub(u, i32.mul(b, p.kvHeads)));
      f.set(h0, i32.mul(kh, group));
      // The unit owns these rows of dK, dV and dQ: clear them, then accumulate.
      f.set(kvOff, rowOffset(b, p.tk, 0, p.kvHeads, kh, p.d));
      f.do(call(rowFns.fill, [i32.add(p.dk, kvOff), p.tk, p.d, bytes(rowK), f32.const(0)]));
      f.do(call(rowFns.fill, [i32.add(p.dv, kvOff), p.tk, p.d, bytes(rowK), f32.const(0)]));
      f.forRange(g, 0, group, 1, () => {
        const dqOff = rowOffset(b, p.tq, 0, p.heads, i32.add(h0, g), p.d);
        f.do(call(rowFns.fill, [i32.add(p.dq, dqOff), p.tq, p.d, bytes(rowQ), f32.const(0)]));
      });

      f.forRange(j0, 0, p.tk, ATTN_BK, () => {
        f.set(cols, i32.minS(ATTN_BK, i32.sub(p.tk, j0)));
        f.set(kvOff, rowOffset(b, p.tk, j0, p.kvHeads, kh, p.d));
        f.do(call(gemm.packB, [i32.add(p.k, kvOff), rowK, 1, p.d, cols, buf.ktPack]));
        f.do(call(gemm.packB, [i32.add(p.v, kvOff), rowK, 1, p.d, cols, buf.vtPack]));
        f.do(call(gemm.packB, [i32.add(p.k, kvOff), rowK, 0, cols, p.d, buf.kPack]));
        f.if(p.keyMask, () => emitKeyBias(f, buf.bias, p.keyMask, b, p.tk, j0, cols, c));
        // Query rows before j0 - shift cannot see this key block under the causal mask.
        f.set(iStart, select('i32', i32.maxS(0, i32.sub(j0, shift)), 0, p.causal));
        f.set(iStart, i32.mul(i32.divU(iStart, ATTN_BQ), ATTN_BQ));

        f.forRange(g, 0, group, 1, () => {
          f.set(h, i32.add(h0, g));
          f.forRange(i0, iStart, p.tq, ATTN_BQ, () => {
            f.set(nRows, i32.minS(ATTN_BQ, i32.sub(p.tq, i0)));
            f.set(qOff, rowOffset(b, p.tq, i0, p.heads, h, p.d));
            f.do(call(gemm.packA, [i32.add(p.q, qOff), rowQ, 0, nRows, p.d, buf.qA]));
            f.do(call(gemm.packA, [i32.add(p.dout, qOff), rowQ, 0, nRows, p.d, buf.doA]));
            f.do(call(gemm.tiles, [buf.qA, buf.ktPack, nRows, cols, p.d, buf.p, ATTN_BK * 4, 0, p.scale, buf.tile]));
            f.do(call(gemm.tiles, [buf.doA, buf.vtPack, nRows, cols, p.d, buf.ds, ATTN_BK * 4, 0, one, buf.tile]));

            f.forRange(r, 0, nRows, 1, () => {
              f.set(pRow, i32.add(buf.p, i32.mul(r, ATTN_BK * 4)));
              f.set(dsRow, i32.add(buf.ds, i32.mul(r, ATTN_BK * 4)));
              const lseAt = bytes(i32.add(i32.mul(i32.add(i32.mul(b, p.heads), h), p.tq), i32.add(i0, r)));
              f.set(lseR, f32.load(i32.add(p.lse, lseAt)));
              f.set(valid, validKeys(p.causal, cols, i32.add(i0, r), shift, j0));
              f.if(
                i32.or(f32.eq(lseR, f32.const(NEG_INF)), i32.leS(valid, 0)),
                () => {
                  f.do(call(rowFns.fill, [pRow, 1, round4(cols), 0, f32.const(0)]));
                  f.do(call(rowFns.fill, [dsRow, 1, round4(cols), 0, f32.const(0)]));
                },
                () => {
                  emitMaskRow(f, pRow, valid, cols, p.keyMask, buf.bias, c);
                  f.set(rOff, i32.add(qOff, bytes(i32.mul(r, rowQ))));
                  f.set(dRow, call(rowFns.dot, [i32.add(p.dout, rOff), i32.add(p.out, rOff), p.d]));
                  f.set(lv, f32x4.splat(lseR));
                  f.set(dv, f32x4.splat(dRow));
                  f.forRange(c, 0, round4(cols), 4, () => {
                    const pAt = i32.add(pRow, bytes(c));
                    const dsAt = i32.add(dsRow, bytes(c));
                    exp.into(pv, f32x4.sub(v128.load(pAt), lv));
                    f.do(v128.store(pAt, pv));
                    f.do(v128.store(dsAt, f32x4.mul(f32x4.mul(pv, f32x4.sub(v128.load(dsAt), dv)), sv)));
                  });
                },
              );
            });

            // dV += P^T dO and dK += dS^T Q (this unit owns the key rows), dQ += dS K (and the query rows).
            addToKeyRows(buf.p, p.dout, p.dv);
            addToKeyRows(buf.ds, p.q, p.dk);
            f.do(call(gemm.packA, [buf.ds, ATTN_BK, 0, nRows, cols, buf.aPack]));
            f.do(
              call(gemm.tiles, [
                buf.aPack,
                buf.kPack,
                nRows,
                p.d,
                cols,
                i32.add(p.dq, qOff),
                bytes(rowQ),
                1,
                one,
                buf.tile,
              ]),
            );
          });
        });
      });
      f.br(next);
    });
  });
}
