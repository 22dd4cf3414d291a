/**
 * The fused attention wrappers: check arguments, write the scratch layout for the head
 * dimension, pick the thread count and dispatch the forward or backward kernel.
 */
import type { AttentionArgs, AttentionBackwardArgs } from '../../fast-kernels.js';
import {
  ATTN_MAX_HEAD_DIM,
  BACKWARD_BUFFERS,
  backwardSizes,
  FORWARD_BUFFERS,
  forwardSizes,
  layoutOffsets,
} from '../codegen/attention/layout.js';
import { checkCount, checkFinite, checkSpan } from './check.js';
import { dispatch, type KernelContext, writeTable } from './context.js';
import { SCRATCH_BYTES_PER_THREAD } from './scratch.js';

/** Below this many flops the work runs on the calling thread alone. */
const PARALLEL_MIN_FLOPS = 1 << 21;

export function runAttention(ctx: KernelContext, args: AttentionArgs, maxThreads: number): void {
  const K = 'CpuFastKernels.attention';
  checkAttention(ctx, args, K);
  const { batch, heads, tq, tk, headDim } = args;
  if (batch === 0 || heads === 0 || tq === 0) return;
  const { offsets } = layoutOffsets(FORWARD_BUFFERS, forwardSizes(headDim));
  const flops = 4 * batch * heads * tq * tk * headDim;
  dispatch(
    ctx,
    'attention_forward',
    [args.q, args.k, args.v, args.out, args.lse, ...shapeArgs(ctx, args, offsets)],
    flops < PARALLEL_MIN_FLOPS ? 1 : maxThreads,
  );
}

export function runAttentionBackward(ctx: KernelContext, args: AttentionBackwardArgs, maxThreads: number): void {
  const K = 'CpuFastKernels.attentionBackward';
  checkAttention(ctx, args, K);
  const { batch, heads, kvHeads, tq, tk, headDim } = args;
  const qSize = batch * tq * heads * headDim;
  const kSize = batch * tk * kvHeads * headDim;
  checkSpan(K, 'dout', ctx.heap, args.dout, qSize);
  checkSpan(K, 'dq', ctx.heap, args.dq, qSize);
  checkSpan(K, 'dk', ctx.heap, args.dk, kSize);
  checkSpan(K, 'dv', ctx.heap, args.dv, kSize);
  if (batch === 0 || kvHeads === 0) return;
  const { offsets } = layoutOffsets(BACKWARD_BUFFERS, backwardSizes(headDim));
  const flops = 10 * batch * heads * tq * tk * headDim;
  dispatch(
    ctx,
    'attention_backward',
    [
      args.q,
      args.k,
      args.v,
      args.out,
      args.lse,
      args.dout,
      args.dq,
      args.dk,
      args.dv,
      ...shapeArgs(ctx, args, offsets),
    ],
    flops < PARALLEL_MIN_FLOPS ? 1 : maxThreads,
  );
}

/** The arguments after the tensor pointers (ATTENTION_SHAPE_PARAMS of kernels/attention/common.ts; the pool adds tid). */
function shapeArgs(ctx: KernelContext, args: AttentionArgs, offsets: readonly number[]): number[] {
  const { batch, heads, kvHeads, tq, tk, headDim, scale, causal, keyMask } = args;
  const layout = writeTable(ctx, offsets);
  return [
    batch,
    heads,
    kvHeads,
    tq,
    tk,
    headDim,
    scale,
    causal ? 1 : 0,
    keyMask,
    layout,
    ctx.counter,
    ctx.scratch,
    SCRATCH_BYTES_PER_THREAD,
  ];
}

function checkAttention(ctx: KernelContext, args: AttentionArgs, K: string): void {
  for (const field of ['batch', 'heads', 'kvHeads', 'tq', 'tk', 'headDim'] as const) checkCount(K, field, args[field]);
  checkFinite(K, 'scale', args.scale);
  const { batch, heads, kvHeads, tq, tk, headDim } = args;
  if (headDim < 1 || headDim > ATTN_MAX_HEAD_DIM) {
    throw new RangeError(`${K}: headDim must be in 1..${ATTN_MAX_HEAD_DIM}, got ${headDim}`);
  }
  if (kvHeads < 1 || heads % kvHeads !== 0) {
    throw new RangeError(`${K}: heads (${heads}) must be a multiple of kvHeads (${kvHeads})`);
  }
  const qSize = batch * tq * heads * headDim;
  const kSize = batch * tk * kvHeads * headDim;
  checkSpan(K, 'q', ctx.heap, args.q, qSize);
  checkSpan(K, 'k', ctx.heap, args.k, kSize);
  checkSpan(K, 'v', ctx.heap, args.v, kSize);
  checkSpan(K, 'out', ctx.heap, args.out, qSize);
  checkSpan(K, 'lse', ctx.heap, args.lse, batch * heads * tq);
  if (args.keyMask !== 0) checkSpan(K, 'keyMask', ctx.heap, args.keyMask, batch * tk);
}
