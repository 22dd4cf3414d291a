/**
 * The CPU backend's memory: one shared WebAssembly.Memory that every WASM kernel instance
 * (main thread and worker threads) is instantiated over, so kernels read and write tensor
 * data in place with no copies between JS, WASM and workers.
 *
 * Allocation is by exact size class (rounded to 64 bytes): a training step allocates the
 * same shapes every step, so freed blocks are reused exactly and the heap stops growing after
 * the first step. When the heap cannot grow, a request takes the front of the smallest larger
 * free block (the rest stays free); failing that, adjacent free blocks are merged first: a long
 * process that ran many shapes (GRPO's rollouts of every length, then an evaluation) leaves the
 * address space cut into size classes nobody asks for any more.
 */

import './wasm-globals.js';

export const PAGE_BYTES = 64 * 1024;
export const HEAP_ALIGN = 64;
/** wasm32's ceiling: 65,536 pages = 4 GiB of address space. */
export const MAX_PAGES = 65536;
/** Offsets below this are never handed out: 0 stays an invalid pointer, and kernels may keep scratch there. */
export const HEAP_RESERVED_BYTES = 1 << 16;

export interface HeapStats {
  /** Bytes of WebAssembly memory currently committed. */
  committedBytes: number;
  /** Bytes in live allocations. */
  liveBytes: number;
  liveBlocks: number;
  /** Bytes parked in free lists, ready for reuse. */
  cachedBytes: number;
  /** High-water mark of the bump pointer. */
  highWaterBytes: number;
  /** Most bytes live at once since the heap was made or `resetPeak()` was called. */
  peakLiveBytes: number;
}

export class CpuHeapOutOfMemory extends Error {
  constructor(bytes: number, stats: HeapStats) {
    super(
      `CPU heap out of memory: cannot allocate ${bytes} bytes ` +
        `(live ${stats.liveBytes} B in ${stats.liveBlocks} blocks, cached ${stats.cachedBytes} B, ` +
        `4 GiB wasm32 limit). Reduce batch size or sequence length.`,
    );
  }
}

export class CpuHeap {
  readonly memory: WebAssembly.Memory;
  private top = HEAP_RESERVED_BYTES;
  private readonly free = new Map<number, number[]>();
  private readonly sizes = new Map<number, number>();
  private liveBytes = 0;
  private peakLiveBytes = 0;
  private cachedBytes = 0;
  private cachedBuffer: SharedArrayBuffer;
  private readonly maxBytes: number;

  /** `maxBytes`: the address space to use at most (default wasm32's 4 GiB; smaller in tests). */
  constructor(initialBytes = 64 * 1024 * 1024, maxBytes = MAX_PAGES * PAGE_BYTES) {
    const initial = Math.max(2, Math.ceil(initialBytes / PAGE_BYTES));
    const maximum = Math.max(initial, Math.min(MAX_PAGES, Math.ceil(maxBytes / PAGE_BYTES)));
    this.maxBytes = maximum * PAGE_BYTES;
    this.memory = new WebAssembly.Memory({ initial, maximum, shared: true });
    this.cachedBuffer = this.memory.buffer as unknown as SharedArrayBuffer;
  }

  /** The current backing buffer; re-read after any allocation, since growing replaces it. */
  get buffer(): SharedArrayBuffer {
    if (this.cachedBuffer.byteLength !== this.memory.buffer.byteLength) {
      this.cachedBuffer = this.memory.buffer as unknown as SharedArrayBuffer;
    }
    return this.cachedBuffer;
  }

  /** Returns a 64-byte-aligned pointer to `bytes` (contents unspecified). */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`CpuHeap.alloc: bad size ${bytes}`);
    const size = Math.max(HEAP_ALIGN, Math.ceil(bytes / HEAP_ALIGN) * HEAP_ALIGN);
    const find = () => this.takeFree(size) ?? this.bump(size) ?? this.takeLarger(size);
    let ptr = find();
    if (ptr === undefined && this.coalesce()) ptr = find();
    if (ptr === undefined) throw new CpuHeapOutOfMemory(bytes, this.stats());
    this.liveBytes += this.sizes.get(ptr) ?? size;
    if (this.liveBytes > this.peakLiveBytes) this.peakLiveBytes = this.liveBytes;
    return ptr;
  }

  /** Returns a block to its size class. Freeing an unknown pointer is a bug and throws. */
  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`CpuHeap.release: ${ptr} is not a live allocation`);
    this.sizes.delete(ptr);
    this.liveBytes -= size;
    this.park(ptr, size);
  }

  /** Puts a free block in its size class. */
  private park(ptr: number, size: number): void {
    this.cachedBytes += size;
    const list = this.free.get(size);
    if (list) list.push(ptr);
    else this.free.set(size, [ptr]);
  }

  /** Size in bytes of a live allocation (its rounded size class). */
  sizeOf(ptr: number): number {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`CpuHeap.sizeOf: ${ptr} is not a live allocation`);
    return size;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.buffer, ptr, length);
  }

  u8(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.buffer, ptr, length);
  }

  stats(): HeapStats {
    return {
      committedBytes: this.memory.buffer.byteLength,
      liveBytes: this.liveBytes,
      liveBlocks: this.sizes.size,
      cachedBytes: this.cachedBytes,
      highWaterBytes: this.top,
      peakLiveBytes: this.peakLiveBytes,
    };
  }

  /** Starts a new peak measurement from the bytes live now (e.g. to measure one training step). */
  resetPeak(): void {
    this.peakLiveBytes = this.liveBytes;
  }

  private takeFree(size: number): number | undefined {
    const ptr = this.free.get(size)?.pop();
    if (ptr === undefined) return undefined;
    this.cachedBytes -= size;
    this.sizes.set(ptr, size);
    return ptr;
  }

  private bump(size: number): number | undefined {
    const end = this.top + size;
    if (end > this.maxBytes) return undefined;
    const committed = this.memory.buffer.byteLength;
    if (end > committed) {
      // Grow geometrically so a long run does not grow page by page.
      const wantPages = Math.ceil(Math.max(end, committed * 1.5) / PAGE_BYTES);
      const pages = Math.min(this.maxBytes / PAGE_BYTES, wantPages) - committed / PAGE_BYTES;
      try {
        this.memory.grow(pages);
      } catch {
        return undefined;
      }
    }
    const ptr = this.top;
    this.top = end;
    this.sizes.set(ptr, size);
    return ptr;
  }

  /** When the address space is full: the front of the smallest cached block that fits; its rest stays cached. */
  private takeLarger(size: number): number | undefined {
    let best: number | undefined;
    for (const [s, list] of this.free) if (s > size && list.length && (best === undefined || s < best)) best = s;
    if (best === undefined) return undefined;
    const ptr = this.free.get(best)?.pop();
    if (ptr === undefined) return undefined;
    this.cachedBytes -= best;
    this.park(ptr + size, best - size);
    this.sizes.set(ptr, size);
    return ptr;
  }

  /**
   * Merges adjacent cached blocks into one, and a cached run that ends at the bump pointer into
   * the unused space; returns whether anything merged (so a retry can succeed).
   */
  private coalesce(): boolean {
    const blocks: [number, number][] = [];
    for (const [size, list] of this.free) for (const ptr of list) blocks.push([ptr, size]);
    blocks.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [ptr, size] of blocks) {
      const last = merged.at(-1);
      if (last && last[0] + last[1] === ptr) last[1] += size;
      else merged.push([ptr, size]);
    }
    const tail = merged.at(-1);
    const freesTop = tail !== undefined && tail[0] + tail[1] === this.top;
    if (merged.length === blocks.length && !freesTop) return false;
    if (freesTop) {
      this.top = tail[0];
      merged.pop();
    }
    this.free.clear();
    this.cachedBytes = 0;
    for (const [ptr, size] of merged) this.park(ptr, size);
    return true;
  }
}
