import { describe, expect, it } from 'vitest';
import { CpuHeap, HEAP_ALIGN, HEAP_RESERVED_BYTES } from './heap.js';

describe('CpuHeap', () => {
  it('hands out aligned, non-overlapping blocks above the reserved area', () => {
    const heap = new CpuHeap(1 << 20);
    const a = heap.alloc(10);
    const b = heap.alloc(100);
    expect(a).toBeGreaterThanOrEqual(HEAP_RESERVED_BYTES);
    expect(a % HEAP_ALIGN).toBe(0);
    expect(b % HEAP_ALIGN).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + HEAP_ALIGN);
    expect(heap.sizeOf(b)).toBe(128);
  });

  it('reuses a freed block of the same size class and tracks live bytes', () => {
    const heap = new CpuHeap(1 << 20);
    const a = heap.alloc(1000);
    heap.release(a);
    expect(heap.stats()).toMatchObject({ liveBytes: 0, cachedBytes: 1024, liveBlocks: 0 });
    expect(heap.alloc(1000)).toBe(a);
    expect(heap.stats()).toMatchObject({ liveBytes: 1024, cachedBytes: 0, liveBlocks: 1 });
  });

  it('grows the shared memory and keeps earlier data', () => {
    const heap = new CpuHeap(1 << 17);
    const a = heap.alloc(16);
    heap.f32(a, 4).set([1, 2, 3, 4]);
    const big = heap.alloc(8 << 20);
    expect(heap.stats().committedBytes).toBeGreaterThanOrEqual(big + (8 << 20));
    expect([...heap.f32(a, 4)]).toEqual([1, 2, 3, 4]);
    expect(heap.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('when the address space is full, merges freed neighbours and splits a larger block for a new size', () => {
    // 1 MiB of address space: the reserved 64 KiB, then 15 blocks of 64 KiB.
    const heap = new CpuHeap(1 << 20, 1 << 20);
    const small = Array.from({ length: 15 }, () => heap.alloc(64 << 10));
    expect(() => heap.alloc(64)).toThrow(/out of memory/);
    // Free blocks 2..6 (five neighbours, 320 KiB) and 10; keep the rest live.
    for (const i of [2, 3, 4, 5, 6, 10]) heap.release(small[i]!);
    // No free class of 192 KiB and no room to grow: the neighbours merge, and the front is taken.
    const big = heap.alloc(192 << 10);
    expect(big).toBe(small[2]);
    expect(heap.sizeOf(big)).toBe(192 << 10);
    // The rest of the merged run (128 KiB) and block 10 stay cached, and serve later requests.
    expect(heap.stats()).toMatchObject({ cachedBytes: 192 << 10, liveBytes: (9 << 16) + (192 << 10) });
    expect(heap.alloc(128 << 10)).toBe(small[5]);
    expect(heap.alloc(64 << 10)).toBe(small[10]);
    expect(() => heap.alloc(64)).toThrow(/out of memory/);
  });

  it('gives a freed run at the end back to the bump pointer', () => {
    const heap = new CpuHeap(1 << 20, 1 << 20);
    const blocks = Array.from({ length: 15 }, () => heap.alloc(64 << 10));
    for (const b of blocks.slice(5)) heap.release(b);
    const big = heap.alloc(640 << 10);
    expect(big).toBe(blocks[5]);
    expect(heap.stats()).toMatchObject({ cachedBytes: 0, highWaterBytes: 1 << 20 });
  });

  it('rejects double frees and bad sizes', () => {
    const heap = new CpuHeap(1 << 17);
    const a = heap.alloc(64);
    heap.release(a);
    expect(() => heap.release(a)).toThrow(/not a live allocation/);
    expect(() => heap.alloc(-1)).toThrow(/bad size/);
  });
});
