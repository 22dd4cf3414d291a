/**
 * The register-tiled micro-kernel and the loop over the tiles of a packed block: the inner
 * loops of every matmul in the module (the matmul kernel and the attention blocks).
 */
import { f32, f32x4, i32, v128 } from '../../emit/expr.js';
import { call, type FuncRef, type FunctionBuilder } from '../../emit/function-builder.js';
import type { KernelEnv } from '../kernel-env.js';

/**
 * Micro-kernel tile: MR rows of A (broadcast loads) by NR columns of B (NR/4 vectors). 4x8 keeps
 * 8 accumulators + 2 B vectors + the broadcasts within V8's 15 vector registers even though
 * TurboFan hoists all loads of an iteration above the FMAs; 6x8 spilled 4 accumulators per
 * iteration and ran at half the speed (measurements in docs/cpu-backend.md).
 */
export const MR = 4;
export const NR = 8;
const NV = NR / 4;

/** Floats a packed MR-row panel set of an m x k slab occupies. */
export const packedASize = (m: number, k: number) => Math.ceil(m / MR) * MR * k;
/** Floats a packed NR-column panel set of a k x n slab occupies. */
export const packedBSize = (k: number, n: number) => Math.ceil(n / NR) * NR * k;

/** micro(pa, pb, kc, c, ldcBytes, mr, nr, loadC, alpha, tile): C[0:mr, 0:nr] (+)= alpha * Apanel @ Bpanel. */
export function emitMicroKernel(f: FunctionBuilder, env: KernelEnv): void {
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
export function emitTiles(f: FunctionBuilder, micro: FuncRef): void {
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
