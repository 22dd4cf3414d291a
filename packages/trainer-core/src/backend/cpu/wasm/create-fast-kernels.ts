/**
 * Builds the CPU backend's fast kernels: generates and compiles the WebAssembly SIMD module,
 * instantiates it over the shared heap on the calling thread and on a pool of worker threads,
 * and wraps each kernel with argument checks, block-size choices and the thread split.
 */
import os from 'node:os';
import type { CpuFastKernels } from '../fast-kernels.js';
import type { CpuHeap } from '../heap.js';
import { WorkerPool } from '../threads/pool.js';
import { runAttention, runAttentionBackward } from './calls/attention.js';
import { CONTEXT_TABLE_BYTES, type KernelContext, SharedScratch } from './calls/context.js';
import { runCrossEntropy } from './calls/cross-entropy.js';
import { runAdamW, runAddInPlace, runBinary, runGatedAct, runGatedActGrad } from './calls/elementwise.js';
import { DEFAULT_SHARED_SLAB_BYTES, planGemmBlocks, runMatmul } from './calls/matmul.js';
import { runNf4Matmul } from './calls/nf4-matmul.js';
import { runRmsNorm, runRmsNormGrad } from './calls/norm.js';
import { RopeTables, runRope } from './calls/rope.js';
import { SCRATCH_BYTES_PER_THREAD } from './calls/scratch.js';
import { relaxedSimdSupported } from './features.js';
import { buildKernelModuleBytes, HOST_MATH, KERNEL_EXPORTS, kernelImports } from './kernel-module.js';

export interface CpuFastKernelOptions {
  /** Threads to run kernels on, the calling thread included (default: all available cores). */
  threads?: number;
  /** Relaxed-SIMD FMA: true requires it, false uses the mul+add module, 'auto' (default) detects. */
  fma?: boolean | 'auto';
  /**
   * Largest heap block (bytes) for matmul's B operand packed once and shared by all threads
   * (default 64 MiB); a bigger B is packed by each work unit for the rows it needs instead.
   */
  matmulSlabBytes?: number;
}

export async function createCpuFastKernels(heap: CpuHeap, opts: CpuFastKernelOptions = {}): Promise<CpuFastKernels> {
  const threads = opts.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new RangeError(`createCpuFastKernels: threads must be an integer in 1..256, got ${opts.threads}`);
  }
  const fma = resolveFma(opts.fma ?? 'auto');
  const slabBytes = opts.matmulSlabBytes ?? DEFAULT_SHARED_SLAB_BYTES;
  if (!Number.isInteger(slabBytes) || slabBytes < 0) {
    throw new RangeError(`createCpuFastKernels: matmulSlabBytes must be a non-negative integer, got ${slabBytes}`);
  }
  const module = await WebAssembly.compile(buildKernelModuleBytes(fma));
  const instance = await WebAssembly.instantiate(module, kernelImports(heap.memory));
  const pool = await WorkerPool.create({
    module,
    memory: heap.memory,
    instance,
    exportNames: KERNEL_EXPORTS,
    hostMath: HOST_MATH,
    threads,
  });
  const ctx: KernelContext = {
    heap,
    pool,
    scratch: heap.alloc(SCRATCH_BYTES_PER_THREAD * threads),
    counter: heap.alloc(64),
    table: heap.alloc(CONTEXT_TABLE_BYTES),
    shared: new SharedScratch(heap),
  };
  const ropeTables = new RopeTables(heap);
  let disposed = false;
  // Every kernel entry point checks that the object is still alive first.
  const live =
    <A, R>(run: (args: A) => R) =>
    (args: A): R => {
      if (disposed) throw new Error('CpuFastKernels: used after dispose()');
      return run(args);
    };

  return {
    threads,
    fma,
    matmul: live((args) => runMatmul(ctx, args, planGemmBlocks(args, threads, slabBytes))),
    nf4Matmul: live((args) => runNf4Matmul(ctx, args, threads)),
    attention: live((args) => runAttention(ctx, args, threads)),
    attentionBackward: live((args) => runAttentionBackward(ctx, args, threads)),
    binary: live((args) => runBinary(ctx, args, threads)),
    addInPlace: live((args) => runAddInPlace(ctx, args, threads)),
    gatedAct: live((args) => runGatedAct(ctx, args, threads)),
    gatedActGrad: live((args) => runGatedActGrad(ctx, args, threads)),
    rmsNorm: live((args) => runRmsNorm(ctx, args, threads)),
    rmsNormGrad: live((args) => runRmsNormGrad(ctx, args, threads)),
    crossEntropy: live((args) => runCrossEntropy(ctx, args, threads)),
    rope: live((args) => runRope(ctx, ropeTables, args, threads)),
    adamw: live((args) => runAdamW(ctx, args, threads)),
    dispose(): void {
      if (disposed) return;
      disposed = true;
      pool.dispose();
      ropeTables.dispose();
      ctx.shared.dispose();
      for (const ptr of [ctx.scratch, ctx.counter, ctx.table]) heap.release(ptr);
    },
  };
}

function resolveFma(want: boolean | 'auto'): boolean {
  if (want === false) return false;
  const supported = relaxedSimdSupported();
  if (want === true && !supported) {
    throw new Error('createCpuFastKernels: fma: true, but this runtime cannot run relaxed SIMD (f32x4.relaxed_madd)');
  }
  return supported;
}
