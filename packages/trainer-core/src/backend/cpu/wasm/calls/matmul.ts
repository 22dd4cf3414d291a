/**
 * The matmul wrapper: checks arguments, picks cache block sizes and the number of threads for
 * the problem, and dispatches the `matmul` kernel.
 */
import type { MatmulArgs } from '../../fast-kernels.js';
import { MR, NR } from '../codegen/gemm/blocks.js';
import { sharedSlabFloats } from '../codegen/matmul.js';
import { checkCount, checkFinite, checkSpan } from './check.js';
import { dispatch, type KernelContext } from './context.js';
import { MATMUL_BLOCK_LIMITS, SCRATCH_BYTES_PER_THREAD } from './scratch.js';

export interface GemmBlockPlan {
  mc: number;
  nc: number;
  kc: number;
  threads: number;
  /** Largest shared B slab in bytes. */
  slabBytes: number;
}

/** Below this many flops one thread finishes before waking a worker (~20 us) would pay off. */
const PARALLEL_MIN_FLOPS = 1 << 21;
/** Work units per thread to aim for, so the atomic counter can even out uneven progress. */
const UNITS_PER_THREAD = 4;
/** Default largest shared slab of packed B panels; bigger problems are split by batch item or packed per unit. */
export const DEFAULT_SHARED_SLAB_BYTES = 64 << 20;

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

export function planGemmBlocks(
  args: MatmulArgs,
  maxThreads: number,
  slabBytes = DEFAULT_SHARED_SLAB_BYTES,
): GemmBlockPlan {
  const { m, n, k, batch } = args;
  const kBlocks = Math.ceil(k / MATMUL_BLOCK_LIMITS.kc);
  const kc = Math.max(1, Math.ceil(k / Math.max(1, kBlocks)));
  let nc = Math.min(roundUp(Math.max(n, 1), NR), MATMUL_BLOCK_LIMITS.nc);
  let mc: number = MATMUL_BLOCK_LIMITS.mc;
  const flops = 2 * m * n * k * batch;
  const threads = flops < PARALLEL_MIN_FLOPS ? 1 : maxThreads;
  const units = () => batch * Math.ceil(m / mc) * Math.ceil(n / nc);
  if (threads > 1) {
    const want = threads * UNITS_PER_THREAD;
    while (units() < want && mc > 2 * MR) mc = Math.max(2 * MR, roundUp(mc / 2, MR));
    while (units() < want && nc > 4 * NR) nc = Math.max(4 * NR, roundUp(nc / 2, NR));
  }
  return { mc, nc, kc, threads, slabBytes };
}

export function runMatmul(ctx: KernelContext, args: MatmulArgs, plan: GemmBlockPlan): void {
  checkMatmul(ctx, args);
  const { m, n, k, batch } = args;
  if (m === 0 || n === 0 || batch === 0) return;
  if (k === 0) {
    if (!args.accumulate) for (let b = 0; b < batch; b++) ctx.heap.f32(args.c + b * args.strideC * 4, m * n).fill(0);
    return;
  }
  // Pack B once into a slab all threads share, for a group of batch items at a time.
  const perItem = sharedSlabFloats(n, k, plan.kc, 1);
  const fits = Math.floor(plan.slabBytes / 4 / perItem);
  const group = args.strideB === 0 ? Math.min(fits, 1) * batch : fits;
  if (group < 1) {
    runPerUnit(ctx, args, plan);
    return;
  }
  for (let first = 0; first < batch; first += group) {
    const items = Math.min(group, batch - first);
    const at = (ptr: number, stride: number) => ptr + first * stride * 4;
    const part = { ...args, a: at(args.a, args.strideA), b: at(args.b, args.strideB), c: at(args.c, args.strideC) };
    runSharedB(ctx, { ...part, batch: items }, plan);
  }
}

function runSharedB(ctx: KernelContext, args: MatmulArgs, plan: GemmBlockPlan): void {
  const { m, n, k, batch } = args;
  const batchB = args.strideB === 0 ? 1 : batch;
  const bSlab = ctx.shared.ensure(sharedSlabFloats(n, k, plan.kc, batchB) * 4);
  const transB = args.transB ? 1 : 0;
  dispatch(ctx, 'matmul_pack', [args.b, n, k, transB, batchB, args.strideB, plan.kc, bSlab, ctx.counter], plan.threads);
  dispatch(
    ctx,
    'matmul_compute',
    [
      args.a,
      args.c,
      m,
      n,
      k,
      args.transA ? 1 : 0,
      batch,
      args.strideA,
      batchB === 1 ? 1 : 0,
      args.strideC,
      args.accumulate ? 1 : 0,
      args.alpha,
      plan.mc,
      plan.nc,
      plan.kc,
      bSlab,
      ctx.counter,
      ctx.scratch,
      SCRATCH_BYTES_PER_THREAD,
    ],
    plan.threads,
  );
}

/** Fallback for operands too large to pack whole: every unit packs the panels it needs. */
function runPerUnit(ctx: KernelContext, args: MatmulArgs, plan: GemmBlockPlan): void {
  const { m, n, k, batch } = args;
  dispatch(
    ctx,
    'matmul',
    [
      args.a,
      args.b,
      args.c,
      m,
      n,
      k,
      args.transA ? 1 : 0,
      args.transB ? 1 : 0,
      batch,
      args.strideA,
      args.strideB,
      args.strideC,
      args.accumulate ? 1 : 0,
      args.alpha,
      plan.mc,
      plan.nc,
      plan.kc,
      ctx.counter,
      ctx.scratch,
      SCRATCH_BYTES_PER_THREAD,
    ],
    plan.threads,
  );
}

function checkMatmul(ctx: KernelContext, args: MatmulArgs): void {
  const K = 'CpuFastKernels.matmul';
  for (const field of ['m', 'n', 'k', 'batch', 'strideA', 'strideB', 'strideC'] as const) {
    checkCount(K, field, args[field]);
  }
  checkFinite(K, 'alpha', args.alpha);
  const { m, n, k, batch } = args;
  if (m === 0 || n === 0 || batch === 0) return;
  if (batch > 1 && args.strideC < m * n) {
    throw new RangeError(
      `${K}: strideC must be at least m*n = ${m * n} so batch items do not overlap, got ${args.strideC}`,
    );
  }
  const span = (stride: number, size: number) => (batch - 1) * stride + size;
  checkSpan(K, 'a', ctx.heap, args.a, span(args.strideA, m * k));
  checkSpan(K, 'b', ctx.heap, args.b, span(args.strideB, k * n));
  checkSpan(K, 'c', ctx.heap, args.c, span(args.strideC, m * n));
}
