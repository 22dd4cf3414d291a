/** The NF4 matmul wrapper: argument checks, block sizes, the column-block split over threads. */
import type { Nf4MatmulArgs } from '../../fast-kernels.js';
import { NR } from '../codegen/gemm/blocks.js';
import { checkByteSpan, checkCount, checkFinite, checkSpan } from './check.js';
import { dispatch, type KernelContext } from './context.js';
import { MATMUL_BLOCK_LIMITS, SCRATCH_BYTES_PER_THREAD } from './scratch.js';

const K = 'CpuFastKernels.nf4Matmul';
/** Below this many flops one thread is done before a worker would wake. */
const PARALLEL_MIN_FLOPS = 1 << 21;
/** Column blocks per thread: every block costs the same, so a few even out late starters. */
const UNITS_PER_THREAD = 2;

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

function log2(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 1 || (v & (v - 1)) !== 0) {
    throw new RangeError(`${K}: ${field} must be a power of two, got ${v}`);
  }
  return Math.log2(v);
}

export function runNf4Matmul(ctx: KernelContext, args: Nf4MatmulArgs, maxThreads: number): void {
  for (const field of ['m', 'n', 'k'] as const) checkCount(K, field, args[field]);
  const { m, n, k } = args;
  const blockShift = log2(args.blocksize, 'blocksize');
  const nested = args.nestedAbsmax !== 0;
  const nestedShift = nested ? log2(args.nestedBlocksize, 'nestedBlocksize') : 0;
  if (nested) checkFinite(K, 'offset', args.offset);
  checkSpan(K, 'x', ctx.heap, args.x, m * k);
  checkSpan(K, 'out', ctx.heap, args.out, m * n);
  checkByteSpan(K, 'w', ctx.heap, args.w, Math.ceil((n * k) / 2));
  checkSpan(K, 'code', ctx.heap, args.code, 16);
  const blocks = Math.ceil((n * k) / args.blocksize);
  if (nested) {
    checkByteSpan(K, 'absmax', ctx.heap, args.absmax, blocks);
    checkSpan(K, 'nestedAbsmax', ctx.heap, args.nestedAbsmax, Math.ceil(blocks / args.nestedBlocksize));
    checkSpan(K, 'nestedCode', ctx.heap, args.nestedCode, 256);
  } else checkSpan(K, 'absmax', ctx.heap, args.absmax, blocks);
  if (m === 0 || n === 0) return;
  if (k === 0) {
    ctx.heap.f32(args.out, m * n).fill(0);
    return;
  }
  const threads = 2 * m * n * k < PARALLEL_MIN_FLOPS ? 1 : maxThreads;
  const nc = Math.min(MATMUL_BLOCK_LIMITS.nc, roundUp(Math.ceil(n / (threads * UNITS_PER_THREAD)), NR));
  const kc = Math.ceil(k / Math.ceil(k / MATMUL_BLOCK_LIMITS.kc));
  dispatch(
    ctx,
    'nf4_matmul',
    [
      args.x,
      args.w,
      args.code,
      args.absmax,
      args.nestedAbsmax,
      nested ? args.nestedCode : 0,
      args.out,
      m,
      n,
      k,
      args.wT ? 1 : 0,
      blockShift,
      nestedShift,
      nested ? args.offset : 0,
      MATMUL_BLOCK_LIMITS.mc,
      nc,
      kc,
      ctx.counter,
      ctx.scratch,
      SCRATCH_BYTES_PER_THREAD,
    ],
    threads,
  );
}
