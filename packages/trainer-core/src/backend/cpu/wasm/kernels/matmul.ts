/**
 * Blocked f32 matmul in the GotoBLAS arrangement: for each block of C, pack a KC x NC slab of B
 * into NR-column panels and an MC x KC slab of A into MR-row panels, then run an MR x NR
 * register-tiled micro-kernel over the panels.
 *
 * Threads share nothing but an atomic work counter: the work units are (batch item, MC row
 * block, NC column block), taken in order with the row block varying fastest so consecutive
 * units of one thread reuse its packed B slab when K fits in one KC block.
 *
 * The packing routines and the tile loop are also the building blocks of the attention kernels.
 */
import { f32, f32x4, f64, i32, type Local, select, type Val, v128 } from '../emit/expr.js';
import { call, type FuncRef, type FunctionBuilder } from '../emit/function-builder.js';
import type { ModuleBuilder } from '../emit/module-builder.js';
import type { KernelEnv } from './kernel-env.js';

/**
 * Micro-kernel tile: MR rows of A (broadcast loads) by NR columns of B (NR/4 vectors). 4x8 keeps
 * 8 accumulators + 2 B vectors + the broadcasts within V8's 15 vector registers even though
 * TurboFan hoists all loads of an iteration above the FMAs; 6x8 spilled 4 accumulators per
 * iteration and ran at half the speed (measurements in docs/cpu-backend.md).
 */
export const MR = 4;
export const NR = 8;
const NV = NR / 4;

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
  'mc',
  'nc',
  'kc',
  'counter',
  'scratch',
  'scratchStride',
  'tid',
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

/** Floats a packed MR-row panel set of an m x k slab occupies. */
export const packedASize = (m: number, k: number) => Math.ceil(m / MR) * MR * k;
/** Floats a packed NR-column panel set of a k x n slab occupies. */
export const packedBSize = (k: number, n: number) => Math.ceil(n / NR) * NR * k;

/** The in-module GEMM building blocks, for kernels that run small matmuls of their own. */
export interface GemmFns {
  /** packA(src, lda, trans, m, k, dst): op(A)[m x k] (element (i,p) at src[trans ? p*lda+i : i*lda+p]) into MR-row panels. */
  packA: FuncRef;
  /** packB(src, ldb, trans, k, n, dst): op(B)[k x n] (element (p,j) at src[trans ? j*ldb+p : p*ldb+j]) into NR-column panels. */
  packB: FuncRef;
  /** tiles(pA, pB, m, n, k, c, ldcBytes, loadC, alpha, tile): C[m x n] (+)= alpha * A B from packed panels. */
  tiles: FuncRef;
}

export function emitMatmul(mod: ModuleBuilder, env: KernelEnv): GemmFns {
  const micro = mod.function(
    'mm_micro',
    ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'i32'],
    undefined,
    (f) => emitMicroKernel(f, env),
    false,
  );
  const packA = mod.function('mm_pack_a', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], undefined, emitPackA, false);
  const packB = mod.function('mm_pack_b', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], undefined, emitPackB, false);
  const tiles = mod.function(
    'mm_tiles',
    ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'i32'],
    undefined,
    (f) => emitTiles(f, micro),
    false,
  );
  const fns = { packA, packB, tiles };
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

/** micro(pa, pb, kc, c, ldcBytes, mr, nr, loadC, alpha, tile): C[0:mr, 0:nr] (+)= alpha * Apanel @ Bpanel. */
function emitMicroKernel(f: FunctionBuilder, env: KernelEnv): void {
  const { pa, pb, kc, c, ldc, mr, nr, loadC, alpha, tile } = f.named([
    'pa',
    'pb',
    'kc',
    'c',
    'ldc',
    'mr',
    'nr',
    'loadC',
    'alpha',
    'tile',
  ] as const);
  const acc = f.locals('v128', MR * NV);
  const bv = f.locals('v128', NV);
  const av = f.local('v128');
  const at = (r: number, v: number) => acc[r * NV + v]!;
  for (const x of acc) f.set(x, f32x4.splatConst(0));
  f.loop((top) => {
    for (let v = 0; v < NV; v++) f.set(bv[v]!, v128.load(pb, v * 16));
    for (let r = 0; r < MR; r++) {
      for (let v = 0; v < NV; v++) {
        f.set(at(r, v), env.madd(v === 0 ? f.tee(av, v128.load32Splat(pa, r * 4)) : av, bv[v]!, at(r, v)));
      }
    }
    f.inc(pa, MR * 4);
    f.inc(pb, NR * 4);
    f.set(kc, i32.sub(kc, 1));
    f.brIf(top, kc);
  });

  const alphaV = bv[0]!;
  f.set(alphaV, f32x4.splat(alpha));
  const row = f.local('i32');
  f.if(
    i32.and(i32.eq(mr, MR), i32.eq(nr, NR)),
    () => {
      f.set(row, c);
      f.if(
        loadC,
        () => {
          for (let r = 0; r < MR; r++) {
            for (let v = 0; v < NV; v++) {
              f.do(v128.store(row, env.madd(at(r, v), alphaV, v128.load(row, v * 16)), v * 16));
            }
            if (r < MR - 1) f.inc(row, ldc);
          }
        },
        () => {
          for (let r = 0; r < MR; r++) {
            for (let v = 0; v < NV; v++) f.do(v128.store(row, f32x4.mul(at(r, v), alphaV), v * 16));
            if (r < MR - 1) f.inc(row, ldc);
          }
        },
      );
    },
    () => {
      // Edge tile: park the scaled accumulators, then copy the valid mr x nr corner.
      for (let r = 0; r < MR; r++) {
        for (let v = 0; v < NV; v++) f.do(v128.store(tile, f32x4.mul(at(r, v), alphaV), (r * NR + v * 4) * 4));
      }
      const [i, j, src, dst] = f.locals('i32', 4);
      f.forRange(i, 0, mr, 1, () => {
        f.set(src, i32.add(tile, i32.mul(i, NR * 4)));
        f.set(dst, i32.add(c, i32.mul(i, ldc)));
        f.forRange(j, 0, nr, 1, () => {
          f.if(
            loadC,
            () => f.do(f32.store(dst, f32.add(f32.load(dst), f32.load(src)))),
            () => f.do(f32.store(dst, f32.load(src))),
          );
          f.inc(src, 4);
          f.inc(dst, 4);
        });
      });
    },
  );
}

/** tiles(pA, pB, m, n, k, c, ldcBytes, loadC, alpha, tile): every micro-kernel of an m x n block. */
function emitTiles(f: FunctionBuilder, micro: FuncRef): void {
  const { pA, pB, m, n, k, c, ldc, loadC, alpha, tile } = f.named([
    'pA',
    'pB',
    'm',
    'n',
    'k',
    'c',
    'ldc',
    'loadC',
    'alpha',
    'tile',
  ] as const);
  const [jr, ir, bPanel, cCol] = f.locals('i32', 4);
  f.forRange(jr, 0, n, NR, () => {
    f.set(bPanel, i32.add(pB, i32.shl(i32.mul(jr, k), 2)));
    f.set(cCol, i32.add(c, i32.shl(jr, 2)));
    f.forRange(ir, 0, m, MR, () => {
      f.do(
        call(micro, [
          i32.add(pA, i32.shl(i32.mul(ir, k), 2)),
          bPanel,
          k,
          i32.add(cCol, i32.mul(ir, ldc)),
          ldc,
          i32.minS(MR, i32.sub(m, ir)),
          i32.minS(NR, i32.sub(n, jr)),
          loadC,
          alpha,
          tile,
        ]),
      );
    });
  });
}

/**
 * packA(src, lda, trans, mc, kc, dst): an mc x kc slab of op(A) starting at src into MR-row
 * panels, each stored k-major ([kc][MR]) and zero-padded to MR rows.
 */
function emitPackA(f: FunctionBuilder): void {
  if (MR !== 4) throw new Error('mm_pack_a transposes 4x4 blocks of A: MR must be 4');
  const { src, lda, trans, mc, kc, dst } = f.named(['src', 'lda', 'trans', 'mc', 'kc', 'dst'] as const);
  const [ir, rows, kk, r, p, q, ldaB, col] = f.locals('i32', 8);
  const rowsV = f.locals('v128', 4);
  const t = f.locals('v128', 4);
  f.set(ldaB, i32.shl(lda, 2));
  f.forRange(ir, 0, mc, MR, () => {
    f.set(rows, i32.minS(MR, i32.sub(mc, ir)));
    f.if(
      trans,
      // Stored [k][m]: the MR values of one k are adjacent.
      () => {
        f.set(p, i32.add(src, i32.shl(ir, 2)));
        f.if(
          i32.eq(rows, MR),
          () => {
            f.forRange(kk, 0, kc, 1, () => {
              copyFloats(f, dst, p, MR);
              f.inc(p, ldaB);
              f.inc(dst, MR * 4);
            });
          },
          () => {
            f.forRange(kk, 0, kc, 1, () => {
              f.forRange(r, 0, MR, 1, () => {
                const clamped = i32.add(p, i32.shl(i32.minS(r, i32.sub(rows, 1)), 2));
                f.do(f32.store(i32.add(dst, i32.shl(r, 2)), orZero(i32.ltS(r, rows), f32.load(clamped))));
              });
              f.inc(p, ldaB);
              f.inc(dst, MR * 4);
            });
          },
        );
      },
      // Stored [m][k]: a full panel transposes 4x4 blocks (4 rows x 4 k); a partial one, or
      // the last kc % 4 columns, scatter element by element.
      () => {
        f.set(kk, 0);
        f.if(i32.eq(rows, MR), () => {
          f.set(p, i32.add(src, i32.mul(ir, ldaB)));
          f.set(q, dst);
          f.while(
            () => i32.leS(i32.add(kk, 4), kc),
            () => {
              for (let c = 0; c < MR; c++) f.set(rowsV[c]!, v128.load(i32.add(p, i32.mul(ldaB, c))));
              transpose4(f, rowsV, t);
              for (let c = 0; c < 4; c++) f.do(v128.store(q, rowsV[c]!, c * MR * 4));
              f.inc(p, 16);
              f.inc(q, 4 * MR * 4);
              f.inc(kk, 4);
            },
          );
        });
        f.forRange(r, 0, MR, 1, () => {
          f.set(q, i32.add(i32.add(dst, i32.shl(r, 2)), i32.mul(kk, MR * 4)));
          f.if(
            i32.ltS(r, rows),
            () => {
              f.set(p, i32.add(i32.add(src, i32.mul(i32.add(ir, r), ldaB)), i32.shl(kk, 2)));
              f.forRange(col, kk, kc, 1, () => {
                f.do(f32.store(q, f32.load(p)));
                f.inc(p, 4);
                f.inc(q, MR * 4);
              });
            },
            () => {
              f.forRange(col, kk, kc, 1, () => {
                f.do(f32.store(q, 0));
                f.inc(q, MR * 4);
              });
            },
          );
        });
        f.inc(dst, i32.mul(kc, MR * 4));
      },
    );
  });
}

/**
 * packB(src, ldb, trans, kc, nc, dst): a kc x nc slab of op(B) starting at src into NR-column
 * panels, each stored k-major ([kc][NR]) and zero-padded to NR columns.
 */
function emitPackB(f: FunctionBuilder): void {
  const { src, ldb, trans, kc, nc, dst } = f.named(['src', 'ldb', 'trans', 'kc', 'nc', 'dst'] as const);
  const [jr, cols, kk, col, p, q, ldbB] = f.locals('i32', 7);
  const rowsV = f.locals('v128', 4);
  const t = f.locals('v128', 4);
  f.set(ldbB, i32.shl(ldb, 2));
  f.forRange(jr, 0, nc, NR, () => {
    f.set(cols, i32.minS(NR, i32.sub(nc, jr)));
    f.if(
      trans,
      // Stored [n][k]: each panel column is a contiguous run of k; transpose 4x4 blocks.
      () => {
        f.if(
          i32.eq(cols, NR),
          () => {
            f.set(kk, 0);
            f.while(
              () => i32.leS(i32.add(kk, 4), kc),
              () => {
                for (let quad = 0; quad < NV; quad++) {
                  f.set(p, i32.add(src, i32.add(i32.mul(i32.add(jr, quad * 4), ldbB), i32.shl(kk, 2))));
                  for (let c = 0; c < 4; c++) {
                    f.set(rowsV[c]!, v128.load(p));
                    if (c < 3) f.inc(p, ldbB);
                  }
                  transpose4(f, rowsV, t);
                  for (let c = 0; c < 4; c++) f.do(v128.store(dst, rowsV[c]!, (c * NR + quad * 4) * 4));
                }
                f.inc(dst, 4 * NR * 4);
                f.inc(kk, 4);
              },
            );
            f.while(
              () => i32.ltS(kk, kc),
              () => {
                for (let c = 0; c < NR; c++) {
                  const from = i32.add(src, i32.add(i32.mul(i32.add(jr, c), ldbB), i32.shl(kk, 2)));
                  f.do(f32.store(dst, f32.load(from), c * 4));
                }
                f.inc(dst, NR * 4);
                f.inc(kk, 1);
              },
            );
          },
          () => {
            f.forRange(col, 0, NR, 1, () => {
              f.set(q, i32.add(dst, i32.shl(col, 2)));
              f.set(p, i32.add(src, i32.mul(i32.add(jr, i32.minS(col, i32.sub(cols, 1))), ldbB)));
              f.forRange(kk, 0, kc, 1, () => {
                f.do(f32.store(q, orZero(i32.ltS(col, cols), f32.load(p))));
                f.inc(p, 4);
                f.inc(q, NR * 4);
              });
            });
            f.inc(dst, i32.mul(kc, NR * 4));
          },
        );
      },
      // Stored [k][n]: each k row of the panel is NR adjacent values.
      () => {
        f.set(p, i32.add(src, i32.shl(jr, 2)));
        f.if(
          i32.eq(cols, NR),
          () => {
            f.forRange(kk, 0, kc, 1, () => {
              copyFloats(f, dst, p, NR);
              f.inc(p, ldbB);
              f.inc(dst, NR * 4);
            });
          },
          () => {
            f.forRange(kk, 0, kc, 1, () => {
              f.forRange(col, 0, NR, 1, () => {
                const clamped = i32.add(p, i32.shl(i32.minS(col, i32.sub(cols, 1)), 2));
                f.do(f32.store(i32.add(dst, i32.shl(col, 2)), orZero(i32.ltS(col, cols), f32.load(clamped))));
              });
              f.inc(p, ldbB);
              f.inc(dst, NR * 4);
            });
          },
        );
      },
    );
  });
}

/** Unrolled copy of `count` f32 from src to dst (16-, 8- and 4-byte moves). */
function copyFloats(f: FunctionBuilder, dst: Local, src: Local, count: number): void {
  let at = 0;
  for (; at + 4 <= count; at += 4) f.do(v128.store(dst, v128.load(src, at * 4), at * 4));
  for (; at + 2 <= count; at += 2) f.do(f64.store(dst, f64.load(src, at * 4), at * 4));
  for (; at < count; at++) f.do(f32.store(dst, f32.load(src, at * 4), at * 4));
}

/** In-place 4x4 transpose of four f32x4 locals (unpcklps/unpckhps/movlhps/movhlps patterns). */
export function transpose4(f: FunctionBuilder, rows: readonly Local[], t: readonly Local[]): void {
  const [r0, r1, r2, r3] = rows as [Local, Local, Local, Local];
  const [t0, t1, t2, t3] = t as [Local, Local, Local, Local];
  f.set(t0, f32x4.laneShuffle(r0, r1, [0, 4, 1, 5]));
  f.set(t1, f32x4.laneShuffle(r0, r1, [2, 6, 3, 7]));
  f.set(t2, f32x4.laneShuffle(r2, r3, [0, 4, 1, 5]));
  f.set(t3, f32x4.laneShuffle(r2, r3, [2, 6, 3, 7]));
  f.set(r0, f32x4.laneShuffle(t0, t2, [0, 1, 4, 5]));
  f.set(r1, f32x4.laneShuffle(t0, t2, [2, 3, 6, 7]));
  f.set(r2, f32x4.laneShuffle(t1, t3, [0, 1, 4, 5]));
  f.set(r3, f32x4.laneShuffle(t1, t3, [2, 3, 6, 7]));
}

/** The value when cond holds, else 0 (both are evaluated, so callers clamp load addresses). */
function orZero(cond: Val, value: Val) {
  return select('f32', value, 0, cond);
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
      f.set(u, i32.atomicAdd(p.counter, 1));
      f.brIf(done, i32.geU(u, units));
      f.set(bi, i32.divU(u, per));
      f.set(rem, i32.sub(u, i32.mul(bi, per)));
      f.set(jb, i32.divU(rem, mBlocks));
      f.set(ib, i32.sub(rem, i32.mul(jb, mBlocks)));
      f.set(i0, i32.mul(ib, p.mc));
      f.set(j0, i32.mul(jb, p.nc));
      f.set(mcur, i32.minS(p.mc, i32.sub(p.m, i0)));
      f.set(ncur, i32.minS(p.nc, i32.sub(p.n, j0)));
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
      f.set(u, i32.atomicAdd(p.counter, 1));
      f.brIf(done, i32.geU(u, units));
      f.set(bi, i32.divU(u, per));
      f.set(rest, i32.sub(u, i32.mul(bi, per)));
      f.set(jb, i32.divU(rest, mBlocks));
      f.set(ib, i32.sub(rest, i32.mul(jb, mBlocks)));
      f.set(i0, i32.mul(ib, p.mc));
      f.set(j0, i32.mul(jb, p.nc));
      f.set(mcur, i32.minS(p.mc, i32.sub(p.m, i0)));
      f.set(ncur, i32.minS(p.nc, i32.sub(p.n, j0)));
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
