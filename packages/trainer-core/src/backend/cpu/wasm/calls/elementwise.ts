/** Wrappers of the element-wise kernels: checks, thread count, dispatch. */
import type { AdamWArgs, AddInPlaceArgs, BinaryArgs, GatedActArgs, GatedActGradArgs } from '../../fast-kernels.js';
import { MAP_CHUNK } from '../codegen/elementwise.js';
import type { KernelName } from '../kernel-module.js';
import { checkCount, checkFinite, checkSpan } from './check.js';
import { dispatch, type KernelContext } from './context.js';

/** One chunk's worth of work does not pay for waking a worker. */
const mapThreads = (n: number, maxThreads: number) => (n > MAP_CHUNK ? maxThreads : 1);

function checkArrays(ctx: KernelContext, kernel: string, n: number, pointers: Record<string, number>): void {
  checkCount(kernel, 'n', n);
  for (const [field, ptr] of Object.entries(pointers)) checkSpan(kernel, field, ctx.heap, ptr, n);
}

const BINARY_KERNELS: Record<BinaryArgs['op'], KernelName> = {
  add: 'ew_add',
  sub: 'ew_sub',
  mul: 'ew_mul',
  div: 'ew_div',
};

export function runBinary(ctx: KernelContext, args: BinaryArgs, maxThreads: number): void {
  const fn = BINARY_KERNELS[args.op];
  if (!fn) throw new RangeError(`CpuFastKernels.binary: op must be add, sub, mul or div, got ${String(args.op)}`);
  checkArrays(ctx, 'CpuFastKernels.binary', args.n, { a: args.a, b: args.b, out: args.out });
  if (args.n === 0) return;
  dispatch(ctx, fn, [args.a, args.b, args.out, args.n, ctx.counter], mapThreads(args.n, maxThreads));
}

export function runAddInPlace(ctx: KernelContext, args: AddInPlaceArgs, maxThreads: number): void {
  const K = 'CpuFastKernels.addInPlace';
  checkArrays(ctx, K, args.n, { dst: args.dst, src: args.src });
  checkFinite(K, 'alpha', args.alpha);
  if (args.n === 0) return;
  dispatch(ctx, 'add_in_place', [args.dst, args.src, args.n, args.alpha, ctx.counter], mapThreads(args.n, maxThreads));
}

function gatedKernel(kernel: string, act: string, grad: boolean): KernelName {
  if (act === 'silu') return grad ? 'gated_silu_grad' : 'gated_silu';
  if (act === 'gelu') return grad ? 'gated_gelu_grad' : 'gated_gelu';
  throw new RangeError(`${kernel}: act must be silu or gelu, got ${act}`);
}

export function runGatedAct(ctx: KernelContext, args: GatedActArgs, maxThreads: number): void {
  const K = 'CpuFastKernels.gatedAct';
  const fn = gatedKernel(K, args.act, false);
  checkArrays(ctx, K, args.n, { gate: args.gate, up: args.up, out: args.out });
  if (args.n === 0) return;
  dispatch(ctx, fn, [args.gate, args.up, args.out, args.n, ctx.counter], mapThreads(args.n, maxThreads));
}

export function runGatedActGrad(ctx: KernelContext, args: GatedActGradArgs, maxThreads: number): void {
  const K = 'CpuFastKernels.gatedActGrad';
  const fn = gatedKernel(K, args.act, true);
  checkArrays(ctx, K, args.n, { gate: args.gate, up: args.up, dy: args.dy, dgate: args.dgate, dup: args.dup });
  if (args.n === 0) return;
  dispatch(
    ctx,
    fn,
    [args.gate, args.up, args.dy, args.dgate, args.dup, args.n, ctx.counter],
    mapThreads(args.n, maxThreads),
  );
}

export function runAdamW(ctx: KernelContext, args: AdamWArgs, maxThreads: number): void {
  const K = 'CpuFastKernels.adamw';
  checkArrays(ctx, K, args.n, { param: args.param, grad: args.grad, expAvg: args.expAvg, expAvgSq: args.expAvgSq });
  for (const field of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const) checkFinite(K, field, args[field]);
  if (!Number.isInteger(args.step) || args.step < 1)
    throw new RangeError(`${K}: step must be an integer >= 1, got ${args.step}`);
  if (args.n === 0) return;
  const bc1 = 1 - args.beta1 ** args.step;
  const bc2Sqrt = Math.sqrt(1 - args.beta2 ** args.step);
  dispatch(
    ctx,
    'adamw',
    [
      args.param,
      args.grad,
      args.expAvg,
      args.expAvgSq,
      args.n,
      1 - args.lr * args.weightDecay,
      args.lr / bc1,
      1 / bc2Sqrt,
      args.beta1,
      1 - args.beta1,
      args.beta2,
      1 - args.beta2,
      args.eps,
      ctx.counter,
    ],
    mapThreads(args.n, maxThreads),
  );
}
