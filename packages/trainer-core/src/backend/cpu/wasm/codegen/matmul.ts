/**
 * The matmul kernel: C = alpha op(A) op(B) (+ C), batched, on all threads, in the GotoBLAS
 * arrangement over the blocks of ./gemm. The main path packs op(B) once into a slab every thread
 * reads (`matmul_pack`), then hands out work units (batch item, MC-row block, NC-column block)
 * that pack their own rows of op(A) and run the micro-kernel (`matmul_compute`). `matmul` is the
 * single-dispatch fallback for a B too large to pack whole: each unit packs what it needs.
 * Threads share nothing but an atomic work counter.
 */
import { i32, type Local, select, type Val } from '../emit/expr.js';
import { call, type FunctionBuilder, type Label } from '../emit/function-builder.js';
import type { ModuleBuilder } from '../emit/module-builder.js';
import { emitGemmBlocks, type GemmFns, MR, NR } from './gemm/blocks.js';
import type { KernelEnv } from './kernel-env.js';

/** The last parameters of every GEMM-style export: cache blocks, work counter, scratch, thread index. */
export const GEMM_UNIT_PARAMS = ['mc', 'nc', 'kc', 'counter', 'scratch', 'scratchStride', 'tid'] as const;

/** Parameter order of the exported `matmul` function (all i32 except alpha). */
export const MATMUL_PARAMS = [
  'a',
  'b',
  'c',
  'm',
  'n',
  'k',
  'transA',
  'transB',
  'batch',
  'strideA',
  'strideB',
  'strideC',
  'accumulate',
  'alpha',
  ...GEMM_UNIT_PARAMS,
] as const;

/**
 * The shared-B path runs in two dispatches. `matmul_pack` packs all of op(B) (per batch item
 * unless B is broadcast, per KC slice) into a slab every thread reads, in tasks of PACK_CHUNK
 * columns; `matmul_compute` then runs the work units, each packing its own rows of A (a row
 * block belongs to one unit when NC covers N, so A is packed once either way). B, which every
 * row block needs, is packed once in total instead of once per thread or per unit.
 */
export const MATMUL_PACK_PARAMS = [
  'b',
  'n',
  'k',
  'transB',
  'batchB',
  'strideB',
  'kc',
  'bSlab',
  'counter',
  'tid',
] as const;

export const MATMUL_COMPUTE_PARAMS = [
  'a',
  'c',
  'm',
  'n',
  'k',
  'transA',
  'batch',
  'strideA',
  'broadcastB',
  'strideC',
  'accumulate',
  'alpha',
  'mc',
  'nc',
  'kc',
  'bSlab',
  'counter',
  'scratch',
  'scratchStride',
  'tid',
] as const;

/** Columns of B packed per task of `matmul_pack`; a multiple of NR. */
export const PACK_CHUNK = 64;

/** Floats of the shared B slab: per packed batch item and KC slice, op(B) padded to NR columns. */
export function sharedSlabFloats(n: number, k: number, kc: number, batchB: number): number {
  return batchB * Math.ceil(k / kc) * Math.ceil(n / NR) * NR * kc;
}

/** Bytes of per-thread scratch the kernel needs for the given block sizes (packed A, packed B, edge tile). */
export function matmulScratchBytes(mc: number, nc: number, kc: number): number {
  return (mc * kc + kc * nc + MR * NR) * 4;
}

export function emitMatmul(mod: ModuleBuilder, env: KernelEnv): GemmFns {
  const fns = emitGemmBlocks(mod, env);
  mod.function(
    'matmul',
    MATMUL_PARAMS.map((p) => (p === 'alpha' ? 'f32' : 'i32')),
    undefined,
    (f) => emitDriver(f, fns),
  );
  mod.function(
    'matmul_pack',
    MATMUL_PACK_PARAMS.map(() => 'i32'),
    undefined,
    (f) => emitSharedPack(f, fns),
  );
  mod.function(
    'matmul_compute',
    MATMUL_COMPUTE_PARAMS.map((p) => (p === 'alpha' ? 'f32' : 'i32')),
    undefined,
    (f) => emitSharedCompute(f, fns),
  );
  return fns;
}

/** Locals of a matmul work unit: the unit count and its factors, then the decoded unit. */
interface UnitLocals {
  units: Local;
  /** Units per batch item (row blocks x column blocks). */
  per: Local;
  mBlocks: Local;
  u: Local;
  bi: Local;
  rem: Local;
  jb: Local;
  ib: Local;
  i0: Local;
  j0: Local;
  mcur: Local;
  ncur: Local;
}

/**
 * Claims the next work unit from the atomic counter (branching to `done` when none is left) and
 * decodes it: batch item bi, row block ib at row i0 (mcur rows), column block jb at column j0
 * (ncur columns). Row blocks vary fastest, so consecutive units share a column block of B.
 */
function emitClaimUnit(
  f: FunctionBuilder,
  p: Record<'counter' | 'm' | 'n' | 'mc' | 'nc', Local>,
  l: UnitLocals,
  done: Label,
): void {
  f.set(l.u, i32.atomicAdd(p.counter, 1));
  f.brIf(done, i32.geU(l.u, l.units));
  f.set(l.bi, i32.divU(l.u, l.per));
  f.set(l.rem, i32.sub(l.u, i32.mul(l.bi, l.per)));
  f.set(l.jb, i32.divU(l.rem, l.mBlocks));
  f.set(l.ib, i32.sub(l.rem, i32.mul(l.jb, l.mBlocks)));
  f.set(l.i0, i32.mul(l.ib, p.mc));
  f.set(l.j0, i32.mul(l.jb, p.nc));
  f.set(l.mcur, i32.minS(p.mc, i32.sub(p.m, l.i0)));
  f.set(l.ncur, i32.minS(p.nc, i32.sub(p.n, l.j0)));
}

function emitDriver(f: FunctionBuilder, fns: GemmFns): void {
  const p = f.named(MATMUL_PARAMS);
  const [mBlocks, per, units, pA, pB, tile, lda, ldb, u, bi, rem, jb, ib, i0, j0, mcur, ncur] = f.locals('i32', 17);
  const [aBase, bBase, cBase, p0, kcur, cachedB, cachedJ, cachedP] = f.locals('i32', 8);
  const ceilDiv = (x: Val, y: Val) => i32.divU(i32.sub(i32.add(x, y), 1), y);
  // Element (row, col) of a stored operand that may be transposed.
  const offset = (trans: Local, ld: Local, row: Val, col: Val) =>
    i32.shl(select('i32', i32.add(i32.mul(col, ld), row), i32.add(i32.mul(row, ld), col), trans), 2);

  f.set(mBlocks, ceilDiv(p.m, p.mc));
  f.set(per, i32.mul(mBlocks, ceilDiv(p.n, p.nc)));
  f.set(units, i32.mul(per, p.batch));
  f.set(pA, i32.add(p.scratch, i32.mul(p.tid, p.scratchStride)));
  f.set(pB, i32.add(pA, i32.shl(i32.mul(p.mc, p.kc), 2)));
  f.set(tile, i32.add(pB, i32.shl(i32.mul(p.kc, p.nc), 2)));
  f.set(lda, select('i32', p.m, p.k, p.transA));
  f.set(ldb, select('i32', p.k, p.n, p.transB));
  f.set(cachedB, -1);
  f.block((done) => {
    f.loop((next) => {
      emitClaimUnit(f, p, { units, per, mBlocks, u, bi, rem, jb, ib, i0, j0, mcur, ncur }, done);
      f.set(aBase, i32.add(p.a, i32.shl(i32.mul(bi, p.strideA), 2)));
      f.set(bBase, i32.add(p.b, i32.shl(i32.mul(bi, p.strideB), 2)));
      f.set(cBase, i32.add(p.c, i32.shl(i32.add(i32.mul(bi, p.strideC), i32.add(i32.mul(i0, p.n), j0)), 2)));
      f.forRange(p0, 0, p.k, p.kc, () => {
        f.set(kcur, i32.minS(p.kc, i32.sub(p.k, p0)));
        const same = i32.and(i32.eq(bBase, cachedB), i32.and(i32.eq(j0, cachedJ), i32.eq(p0, cachedP)));
        f.if(i32.eqz(same), () => {
          f.do(call(fns.packB, [i32.add(bBase, offset(p.transB, ldb, p0, j0)), ldb, p.transB, kcur, ncur, pB]));
          f.set(cachedB, bBase);
          f.set(cachedJ, j0);
          f.set(cachedP, p0);
        });
        f.do(call(fns.packA, [i32.add(aBase, offset(p.transA, lda, i0, p0)), lda, p.transA, mcur, kcur, pA]));
        const loadC = i32.or(p.accumulate, i32.ne(p0, 0));
        f.do(call(fns.tiles, [pA, pB, mcur, ncur, kcur, cBase, i32.shl(p.n, 2), loadC, p.alpha, tile]));
      });
      f.br(next);
    });
  });
}

/** Element offset of (row, col) in a stored operand that may be transposed, in bytes. */
function storedOffset(trans: Local, ld: Val, row: Val, col: Val) {
  return i32.shl(select('i32', i32.add(i32.mul(col, ld), row), i32.add(i32.mul(row, ld), col), trans), 2);
}

function emitSharedPack(f: FunctionBuilder, fns: GemmFns): void {
  const p = f.named(MATMUL_PACK_PARAMS);
  const [kBlocks, nPad, chunks, total, u, bi, rest, pb, chunk, p0, kcur, first, count, ldb, slab] = f.locals('i32', 15);
  const ceilDiv = (x: Val, y: Val) => i32.divU(i32.sub(i32.add(x, y), 1), y);
  f.set(kBlocks, ceilDiv(p.k, p.kc));
  f.set(nPad, i32.mul(ceilDiv(p.n, NR), NR));
  f.set(chunks, ceilDiv(p.n, PACK_CHUNK));
  f.set(total, i32.mul(i32.mul(p.batchB, kBlocks), chunks));
  f.set(ldb, select('i32', p.k, p.n, p.transB));
  f.block((done) => {
    f.loop((next) => {
      // Task u: (batch item, KC slice, column chunk).
      f.set(u, i32.atomicAdd(p.counter, 1));
      f.brIf(done, i32.geU(u, total));
      f.set(bi, i32.divU(u, i32.mul(kBlocks, chunks)));
      f.set(rest, i32.sub(u, i32.mul(bi, i32.mul(kBlocks, chunks))));
      f.set(pb, i32.divU(rest, chunks));
      f.set(chunk, i32.sub(rest, i32.mul(pb, chunks)));
      f.set(p0, i32.mul(pb, p.kc));
      f.set(kcur, i32.minS(p.kc, i32.sub(p.k, p0)));
      f.set(first, i32.mul(chunk, PACK_CHUNK));
      f.set(count, i32.minS(PACK_CHUNK, i32.sub(p.n, first)));
      f.set(slab, i32.add(p.bSlab, i32.shl(i32.mul(i32.add(i32.mul(bi, kBlocks), pb), i32.mul(nPad, p.kc)), 2)));
      const src = i32.add(i32.add(p.b, i32.shl(i32.mul(bi, p.strideB), 2)), storedOffset(p.transB, ldb, p0, first));
      f.do(call(fns.packB, [src, ldb, p.transB, kcur, count, i32.add(slab, i32.shl(i32.mul(first, kcur), 2))]));
      f.br(next);
    });
  });
}

function emitSharedCompute(f: FunctionBuilder, fns: GemmFns): void {
  const p = f.named(MATMUL_COMPUTE_PARAMS);
  const [kBlocks, nPad, mBlocks, per, units, pA, tile, u, bi, rest, jb, ib, i0, j0, mcur, ncur] = f.locals('i32', 16);
  const [lda, aBase, cBase, pb, p0, kcur, bSlice] = f.locals('i32', 7);
  const ceilDiv = (x: Val, y: Val) => i32.divU(i32.sub(i32.add(x, y), 1), y);
  f.set(kBlocks, ceilDiv(p.k, p.kc));
  f.set(nPad, i32.mul(ceilDiv(p.n, NR), NR));
  f.set(mBlocks, ceilDiv(p.m, p.mc));
  f.set(per, i32.mul(mBlocks, ceilDiv(p.n, p.nc)));
  f.set(units, i32.mul(per, p.batch));
  f.set(pA, i32.add(p.scratch, i32.mul(p.tid, p.scratchStride)));
  f.set(tile, i32.add(pA, i32.shl(i32.mul(p.mc, p.kc), 2)));
  f.set(lda, select('i32', p.m, p.k, p.transA));
  f.block((done) => {
    f.loop((next) => {
      emitClaimUnit(f, p, { units, per, mBlocks, u, bi, rem: rest, jb, ib, i0, j0, mcur, ncur }, done);
      f.set(aBase, i32.add(p.a, i32.shl(i32.mul(bi, p.strideA), 2)));
      f.set(cBase, i32.add(p.c, i32.shl(i32.add(i32.mul(bi, p.strideC), i32.add(i32.mul(i0, p.n), j0)), 2)));
      f.forRange(pb, 0, kBlocks, 1, () => {
        f.set(p0, i32.mul(pb, p.kc));
        f.set(kcur, i32.minS(p.kc, i32.sub(p.k, p0)));
        f.do(call(fns.packA, [i32.add(aBase, storedOffset(p.transA, lda, i0, p0)), lda, p.transA, mcur, kcur, pA]));
        const slice = i32.add(i32.mul(select('i32', 0, bi, p.broadcastB), kBlocks), pb);
        f.set(bSlice, i32.add(p.bSlab, i32.shl(i32.add(i32.mul(slice, i32.mul(nPad, p.kc)), i32.mul(j0, kcur)), 2)));
        const loadC = i32.or(p.accumulate, i32.ne(pb, 0));
        f.do(call(fns.tiles, [pA, bSlice, mcur, ncur, kcur, cBase, i32.shl(p.n, 2), loadC, p.alpha, tile]));
      });
      f.br(next);
    });
  });
}
