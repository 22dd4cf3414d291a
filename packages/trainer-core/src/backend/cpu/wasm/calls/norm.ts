/** RMSNorm wrappers; the backward reduces the per-thread weight-gradient partials after the dispatch. */
import type { RmsNormArgs, RmsNormGradArgs } from '../../fast-kernels.js';
import { checkCount, checkFinite, checkSpan } from './check.js';
import { dispatch, type KernelContext } from './context.js';
import { SCRATCH_BYTES_PER_THREAD } from './scratch.js';

/** Rows below which one thread is faster than waking the others. */
const PARALLEL_MIN_ELEMENTS = 1 << 14;

function checkRows(ctx: KernelContext, K: string, rows: number, dim: number, pointers: Record<string, number>) {
  checkCount(K, 'rows', rows);
  checkCount(K, 'dim', dim);
  if (dim * 4 > SCRATCH_BYTES_PER_THREAD) throw new RangeError(`${K}: dim ${dim} is larger than this kernel supports`);
  for (const [field, ptr] of Object.entries(pointers)) {
    const size = field === 'weight' || field === 'dw' ? dim : field === 'rstd' ? rows : rows * dim;
    if (ptr !== 0 || field !== 'dw') checkSpan(K, field, ctx.heap, ptr, size);
  }
}

export function runRmsNorm(ctx: KernelContext, args: RmsNormArgs, maxThreads: number): void {
  const K = 'CpuFastKernels.rmsNorm';
  checkRows(ctx, K, args.rows, args.dim, { x: args.x, weight: args.weight, out: args.out, rstd: args.rstd });
  checkFinite(K, 'eps', args.eps);
  checkFinite(K, 'weightOffset', args.weightOffset);
  if (args.rows === 0 || args.dim === 0) return;
  const threads = args.rows * args.dim < PARALLEL_MIN_ELEMENTS ? 1 : maxThreads;
  dispatch(
    ctx,
    'rms_norm',
    [args.x, args.weight, args.out, args.rstd, args.rows, args.dim, args.eps, args.weightOffset, ctx.counter],
    threads,
  );
}

export function runRmsNormGrad(ctx: KernelContext, args: RmsNormGradArgs, maxThreads: number): void {
  const K = 'CpuFastKernels.rmsNormGrad';
  const { rows, dim } = args;
  checkRows(ctx, K, rows, dim, {
    x: args.x,
    weight: args.weight,
    rstd: args.rstd,
    dy: args.dy,
    dx: args.dx,
    dw: args.dw,
  });
  checkFinite(K, 'weightOffset', args.weightOffset);
  if (dim === 0) return;
  if (rows === 0) {
    if (args.dw) ctx.heap.f32(args.dw, dim).fill(0);
    return;
  }
  const threads = Math.min(maxThreads, rows * dim < PARALLEL_MIN_ELEMENTS ? 1 : maxThreads);
  dispatch(
    ctx,
    'rms_norm_grad',
    [
      args.x,
      args.weight,
      args.rstd,
      args.dy,
      args.dx,
      args.dw,
      rows,
      dim,
      args.weightOffset,
      ctx.scratch,
      SCRATCH_BYTES_PER_THREAD,
      ctx.counter,
    ],
    threads,
  );
  if (args.dw) {
    // Every woken thread zeroed and filled its partial; only the caller runs the sum.
    const used = threads > 1 ? ctx.pool.threads : 1;
    ctx.pool.run('sum_partials', [args.dw, ctx.scratch, used, dim, SCRATCH_BYTES_PER_THREAD], 1);
  }
}
