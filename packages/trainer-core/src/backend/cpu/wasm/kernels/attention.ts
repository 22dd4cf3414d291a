/**
 * Fused causal/padded attention over [batch, seq, heads, headDim] layouts with grouped-query
 * heads, flash style: scores exist only as 64 x 64 blocks in per-thread scratch.
 *
 * Forward, one work unit per (batch, head, query block), heaviest causal blocks first: for each
 * key block up to the causal limit, S = scale * Q K^T (packed panels + the matmul micro-kernel),
 * mask, online softmax (running max m and sum l per row, rescaling the output accumulator when
 * m grows), O += P V. Finally out = O / l and lse = m + log l (fully masked rows: 0 and -inf).
 *
 * Backward, one work unit per (batch, key/value head), so the unit owns dK/dV of its keys and dQ
 * of its query heads and threads never write the same rows: for each key block and each query
 * block that can see it, recompute P = exp(scale * Q K^T - lse), dP = dO V^T,
 * dS = P (dP - rowsum(dO * O)) * scale, and accumulate dV += P^T dO, dK += dS^T Q, dQ += dS K.
 */
import { f32, f32x4, f64, i32, type Local, select, type Val, v128 } from '../emit/expr.js';
import { call, type FuncRef, type FunctionBuilder } from '../emit/function-builder.js';
import type { ModuleBuilder } from '../emit/module-builder.js';
import { ATTN_BK, ATTN_BQ, BACKWARD_BUFFERS, FORWARD_BUFFERS } from './attention-layout.js';
import type { KernelEnv } from './kernel-env.js';
import { type GemmFns, MR, transpose4 } from './matmul.js';
import type { RowFns } from './rows.js';
import { hmax, type VecExp, vecExp } from './vmath.js';

export const ATTENTION_PARAMS = [
  'q',
  'k',
  'v',
  'out',
  'lse',
  'batch',
  'heads',
  'kvHeads',
  'tq',
  'tk',
  'd',
  'scale',
  'causal',
  'keyMask',
  'layout',
  'counter',
  'scratch',
  'scratchStride',
  'tid',
] as const;

export const ATTENTION_BACKWARD_PARAMS = [
  'q',
  'k',
  'v',
  'out',
  'lse',
  'dout',
  'dq',
  'dk',
  'dv',
  'batch',
  'heads',
  'kvHeads',
  'tq',
  'tk',
  'd',
  'scale',
  'causal',
  'keyMask',
  'layout',
  'counter',
  'scratch',
  'scratchStride',
  'tid',
] as const;

export interface HostMath {
  log: FuncRef;
}

interface Deps {
  gemm: GemmFns;
  rows: RowFns;
  host: HostMath;
  env: KernelEnv;
}

const NEG_INF = Number.NEGATIVE_INFINITY;

export function emitAttention(mod: ModuleBuilder, deps: Deps): void {
  mod.function(
    'attention_forward',
    ATTENTION_PARAMS.map((p) => (p === 'scale' ? 'f32' : 'i32')),
    undefined,
    (f) => emitForward(f, deps),
  );
  mod.function(
    'attention_backward',
    ATTENTION_BACKWARD_PARAMS.map((p) => (p === 'scale' ? 'f32' : 'i32')),
    undefined,
    (f) => emitBackward(f, deps),
  );
}

const bytes = (x: Val) => i32.shl(x, 2);
const ceilDiv = (x: Val, y: number) => i32.divU(i32.add(x, y - 1), y);
const round4 = (x: Val) => i32.and(i32.add(x, 3), -4);

/** Byte offset of row `t` of head `h` in a [batch, seq, heads, d] tensor. */
function rowOffset(b: Val, seq: Val, t: Val, heads: Val, h: Val, d: Val) {
  return bytes(i32.mul(i32.add(i32.mul(i32.add(i32.mul(b, seq), t), heads), h), d));
}

/** Per key block: bias[c] = 0 where the key mask lets key j0+c through, -inf otherwise and for c >= cols. */
function emitKeyBias(f: FunctionBuilder, bias: Local, keyMask: Local, b: Val, tk: Val, j0: Val, cols: Local, c: Local) {
  const cols4 = round4(cols);
  f.forRange(c, 0, cols4, 1, () => {
    const maskAt = i32.add(keyMask, bytes(i32.add(i32.add(i32.mul(b, tk), j0), i32.minS(c, i32.sub(cols, 1)))));
    const open = i32.and(i32.ltS(c, cols), i32.ne(i32.load(maskAt), 0));
    f.do(f32.store(i32.add(bias, bytes(c)), select('f32', f32.const(0), f32.const(NEG_INF), open)));
  });
}

/** Scores of one row outside the causal limit (c >= valid) or the block (c >= cols) become -inf; masked keys too. */
function emitMaskRow(
  f: FunctionBuilder,
  sRow: Local,
  valid: Local,
  cols: Local,
  keyMask: Local,
  bias: Local,
  c: Local,
): void {
  f.forRange(c, i32.maxS(valid, 0), round4(cols), 1, () => {
    f.do(f32.store(i32.add(sRow, bytes(c)), f32.const(NEG_INF)));
  });
  f.if(keyMask, () => {
    f.forRange(c, 0, round4(cols), 4, () => {
      const at = i32.add(sRow, bytes(c));
      f.do(v128.store(at, f32x4.add(v128.load(at), v128.load(i32.add(bias, bytes(c))))));
    });
  });
}

/** Keys row `i` may see, counted from j0 and capped at cols (bottom-right aligned causal mask). */
function validKeys(causal: Local, cols: Local, i: Val, shift: Local, j0: Local) {
  return select('i32', i32.minS(cols, i32.sub(i32.add(i32.add(i, shift), 1), j0)), cols, causal);
}

function emitForward(f: FunctionBuilder, { gemm, rows: rowFns, host, env }: Deps): void {
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

function emitBackward(f: FunctionBuilder, { gemm, rows: rowFns, env }: Deps): void {
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
            f.do(call(gemm.packA, [buf.p, ATTN_BK, 1, cols, nRows, buf.aPack]));
            f.do(call(gemm.packB, [i32.add(p.dout, qOff), rowQ, 0, nRows, p.d, buf.bPack]));
            f.do(
              call(gemm.tiles, [
                buf.aPack,
                buf.bPack,
                cols,
                p.d,
                nRows,
                i32.add(p.dv, kvOff),
                bytes(rowK),
                1,
                one,
                buf.tile,
              ]),
            );
            f.do(call(gemm.packA, [buf.ds, ATTN_BK, 1, cols, nRows, buf.aPack]));
            f.do(call(gemm.packB, [i32.add(p.q, qOff), rowQ, 0, nRows, p.d, buf.bPack]));
            f.do(
              call(gemm.tiles, [
                buf.aPack,
                buf.bPack,
                cols,
                p.d,
                nRows,
                i32.add(p.dk, kvOff),
                bytes(rowK),
                1,
                one,
                buf.tile,
              ]),
            );
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
