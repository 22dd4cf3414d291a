/**
 * Cross-entropy wrapper: counts the tokens on the calling thread (the gradient needs 1/tokens
 * before any row is processed), dispatches, then sums the per-thread partial records. A row
 * counts when its label is in [0, vocab) and its mask is non-zero, exactly as in the kernel.
 */
import type { CrossEntropyArgs, CrossEntropyStats } from '../../fast-kernels.js';
import { checkCount, checkSpan } from './check.js';
import { dispatch, type KernelContext } from './context.js';
import { SCRATCH_BYTES_PER_THREAD } from './scratch.js';

const PARALLEL_MIN_ELEMENTS = 1 << 15;

export function runCrossEntropy(ctx: KernelContext, args: CrossEntropyArgs, maxThreads: number): CrossEntropyStats {
  const K = 'CpuFastKernels.crossEntropy';
  const { rows, vocab } = args;
  checkCount(K, 'rows', rows);
  checkCount(K, 'vocab', vocab);
  if (!Number.isInteger(args.ignoreIndex)) throw new RangeError(`${K}: ignoreIndex must be an integer`);
  checkSpan(K, 'logits', ctx.heap, args.logits, rows * vocab);
  checkSpan(K, 'labels', ctx.heap, args.labels, rows);
  if (args.mask) checkSpan(K, 'mask', ctx.heap, args.mask, rows);
  if (args.dlogits) checkSpan(K, 'dlogits', ctx.heap, args.dlogits, rows * vocab);
  const labels = ctx.heap.i32(args.labels, rows);
  const mask = args.mask ? ctx.heap.i32(args.mask, rows) : undefined;
  let tokens = 0;
  for (let r = 0; r < rows; r++) {
    const label = labels[r]!;
    if (label === args.ignoreIndex || label < 0 || label >= vocab || (mask && mask[r] === 0)) continue;
    tokens++;
  }
  if (rows === 0 || vocab === 0) return { loss: 0, accuracy: 0, tokens };
  const invTokens = tokens > 0 ? 1 / tokens : 0;
  const threads = rows * vocab < PARALLEL_MIN_ELEMENTS ? 1 : maxThreads;
  dispatch(
    ctx,
    'cross_entropy',
    [
      args.logits,
      args.labels,
      args.mask,
      rows,
      vocab,
      args.ignoreIndex,
      args.dlogits,
      invTokens,
      ctx.scratch,
      SCRATCH_BYTES_PER_THREAD,
      ctx.counter,
    ],
    threads,
  );
  const used = threads > 1 ? ctx.pool.threads : 1;
  const view = new DataView(ctx.heap.buffer);
  let lossSum = 0;
  let correct = 0;
  for (let t = 0; t < used; t++) {
    const at = ctx.scratch + t * SCRATCH_BYTES_PER_THREAD;
    lossSum += view.getFloat64(at, true);
    correct += view.getInt32(at + 8, true);
  }
  return { loss: lossSum * invTokens, accuracy: correct * invTokens, tokens };
}
