/** The GEMM building blocks as module functions, for the matmul kernel and kernels with small matmuls of their own. */
import type { FuncRef } from '../../emit/function-builder.js';
import type { ModuleBuilder } from '../../emit/module-builder.js';
import type { KernelEnv } from '../kernel-env.js';
import { emitMicroKernel, emitTiles } from './micro-kernel.js';
import { emitPackA, emitPackB } from './packing.js';

export { MR, NR, packedASize, packedBSize } from './micro-kernel.js';
export { transpose4 } from './packing.js';

/** The in-module GEMM building blocks, for kernels that run small matmuls of their own. */
export interface GemmFns {
  /** packA(src, lda, trans, m, k, dst): op(A)[m x k] (element (i,p) at src[trans ? p*lda+i : i*lda+p]) into MR-row panels. */
  packA: FuncRef;
  /** packB(src, ldb, trans, k, n, dst): op(B)[k x n] (element (p,j) at src[trans ? j*ldb+p : p*ldb+j]) into NR-column panels. */
  packB: FuncRef;
  /** tiles(pA, pB, m, n, k, c, ldcBytes, loadC, alpha, tile): C[m x n] (+)= alpha * A B from packed panels. */
  tiles: FuncRef;
}

export function emitGemmBlocks(mod: ModuleBuilder, env: KernelEnv): GemmFns {
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
  return { packA, packB, tiles };
}
