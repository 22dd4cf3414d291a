import type { CpuHeap } from '../../heap.js';
import type { WorkerPool } from '../../threads/pool.js';
import type { KernelName } from '../kernel-module.js';

/** What the kernel wrappers share: the heap, the thread pool, per-thread scratch, the work counter. */
export interface KernelContext {
  readonly heap: CpuHeap;
  readonly pool: WorkerPool;
  /** Base of SCRATCH_BYTES_PER_THREAD bytes per thread. */
  readonly scratch: number;
  /** A 64-byte block whose first word is the atomic work-unit counter. */
  readonly counter: number;
  /** CONTEXT_TABLE_BYTES for a kernel's table of scratch offsets (written before each dispatch). */
  readonly table: number;
  /** Heap memory shared by all threads within one kernel call (matmul's packed slabs). */
  readonly shared: SharedScratch;
}

/** A heap block that grows to the largest size asked for and is reused by later calls. */
export class SharedScratch {
  private ptr = 0;
  private bytes = 0;

  constructor(private readonly heap: CpuHeap) {}

  /** A pointer to at least `bytes` bytes (contents unspecified), valid until the next call. */
  ensure(bytes: number): number {
    if (bytes > this.bytes) {
      if (this.ptr) this.heap.release(this.ptr);
      this.ptr = 0;
      this.ptr = this.heap.alloc(bytes);
      this.bytes = bytes;
    }
    return this.ptr;
  }

  dispose(): void {
    if (this.ptr) this.heap.release(this.ptr);
    this.ptr = 0;
    this.bytes = 0;
  }
}

export const CONTEXT_TABLE_BYTES = 256;

/** Resets the work counter and runs `fn` on `threads` threads. */
export function dispatch(ctx: KernelContext, fn: KernelName, args: readonly number[], threads: number): void {
  ctx.heap.i32(ctx.counter, 1)[0] = 0;
  ctx.pool.run(fn, args, threads);
}

/** Writes a table of i32 values (scratch offsets) for the next dispatch and returns its pointer. */
export function writeTable(ctx: KernelContext, values: readonly number[]): number {
  if (values.length * 4 > CONTEXT_TABLE_BYTES) throw new RangeError(`kernel table too long (${values.length})`);
  ctx.heap.i32(ctx.table, values.length).set(values);
  return ctx.table;
}
