/**
 * Builds the CPU backend's fast kernels: generates and compiles the WebAssembly SIMD module,
 * instantiates it over the shared heap on the calling thread and on a pool of worker threads,
 * and wraps each kernel with argument checks, block-size choices and the thread split.
 */
import os from 'node:os';
import type { AttentionArgs, AttentionBackwardArgs, CpuFastKernels, MatmulArgs } from '../fast-kernels.js';
import type { CpuHeap } from '../heap.js';
import { WorkerPool } from '../threads/pool.js';
import { relaxedSimdSupported } from './features.js';
import { buildKernelModuleBytes, HOST_MATH, KERNEL_EXPORTS, kernelImports } from './kernel-module.js';
import { runAttention, runAttentionBackward } from './ops/attention-op.js';
import { CONTEXT_TABLE_BYTES } from './ops/context.js';
import { planMatmul, runMatmul } from './ops/matmul-op.js';
import { SCRATCH_BYTES_PER_THREAD } from './ops/scratch.js';

export interface CpuFastKernelOptions {
  /** Threads to run kernels on, the calling thread included (default: all available cores). */
  threads?: number;
  /** Relaxed-SIMD FMA: true requires it, false uses the mul+add module, 'auto' (default) detects. */
  fma?: boolean | 'auto';
}

export async function createCpuFastKernels(heap: CpuHeap, opts: CpuFastKernelOptions = {}): Promise<CpuFastKernels> {
  const threads = opts.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new RangeError(`createCpuFastKernels: threads must be an integer in 1..256, got ${opts.threads}`);
  }
  const fma = resolveFma(opts.fma ?? 'auto');
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
  const scratch = heap.alloc(SCRATCH_BYTES_PER_THREAD * threads);
  const counter = heap.alloc(64);
  const table = heap.alloc(CONTEXT_TABLE_BYTES);
  const ctx = { heap, pool, scratch, counter, table };
  let disposed = false;
  const live = () => {
    if (disposed) throw new Error('CpuFastKernels: used after dispose()');
  };

  return {
    threads,
    fma,
    matmul(args: MatmulArgs): void {
      live();
      runMatmul(ctx, args, planMatmul(args, threads));
    },
    attention(args: AttentionArgs): void {
      live();
      runAttention(ctx, args, threads);
    },
    attentionBackward(args: AttentionBackwardArgs): void {
      live();
      runAttentionBackward(ctx, args, threads);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      pool.dispose();
      heap.release(scratch);
      heap.release(counter);
      heap.release(table);
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
