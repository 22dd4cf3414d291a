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

  it('rejects double frees and bad sizes', () => {
    const heap = new CpuHeap(1 << 17);
    const a = heap.alloc(64);
    heap.release(a);
    expect(() => heap.release(a)).toThrow(/not a live allocation/);
    expect(() => heap.alloc(-1)).toThrow(/bad size/);
  });
});
