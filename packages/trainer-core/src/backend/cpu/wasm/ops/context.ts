import type { CpuHeap } from '../../heap.js';
import type { WorkerPool } from '../../threads/pool.js';

/** What the kernel wrappers share: the heap, the thread pool, per-thread scratch, the work counter. */
export interface KernelContext {
  readonly heap: CpuHeap;
  readonly pool: WorkerPool;
  /** Base of SCRATCH_BYTES_PER_THREAD bytes per thread. */
  readonly scratch: number;
  /** A 64-byte block whose first word is the atomic work-unit counter. */
  readonly counter: number;
}

/** Resets the work counter and runs `fn` on `threads` threads. */
export function dispatch(ctx: KernelContext, fn: string, args: readonly number[], threads: number): void {
  ctx.heap.i32(ctx.counter, 1)[0] = 0;
  ctx.pool.run(fn, args, threads);
}
