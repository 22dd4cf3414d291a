import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { CpuHeap } from '../backend/cpu/heap.js';
import { full, scalar, tensor, zeros } from '../ops/create.js';
import { add, cast, mul } from '../ops/elementwise.js';
import { gather } from '../ops/indexing.js';
import { slice, transpose } from '../ops/shape-ops.js';
import { getBackend, setBackend } from './engine.js';
import { dispose, keep, scopeDepth, tidy } from './scope.js';

const heap = () => (getBackend() as CpuBackend).heap;

describe('tensor basics', () => {
  it('holds shape, dtype, device and data; reads async and sync', async () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('f32');
    expect(t.device).toBe('cpu');
    expect(t.size).toBe(6);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(await transpose(t).data())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(await scalar(3).item()).toBe(3);
    expect(tensor(new Int32Array([7]), [1]).dtype).toBe('i32');
    t.dispose();
    expect(() => t.dataSync()).toThrow(/was disposed/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/do not fill shape/);
    expect(() => tensor(new Uint16Array(2))).toThrow(/f16 or bf16/);
  });

  it('holds u8 and i8 (quantized data) and i32 (ids): round trip, views, row gather, exact cast to f32', () => {
    tidy(() => {
      const u = tensor(new Uint8Array([0, 1, 127, 128, 254, 255]), [2, 3]);
      const s = tensor(new Int8Array([-128, -1, 0, 1, 64, 127]), [2, 3]);
      const ids = tensor(new Int32Array([2 ** 31 - 1, -(2 ** 31)]), [2]);
      expect([u.dtype, s.dtype, ids.dtype]).toEqual(['u8', 'i8', 'i32']);
      expect(u.dataSync()).toBeInstanceOf(Uint8Array);
      expect(s.dataSync()).toBeInstanceOf(Int8Array);
      expect(ids.toArray()).toEqual([2 ** 31 - 1, -(2 ** 31)]);
      expect(transpose(u).toArray()).toEqual([0, 128, 1, 254, 127, 255]);
      expect(slice(s, [0, 1], [2, 2]).toArray()).toEqual([-1, 0, 64, 127]);
      const rows = tensor(new Int32Array([1, 0, 1]), [3], 'i32');
      expect(gather(s, rows, 0).toArray()).toEqual([1, 64, 127, -128, -1, 0, 1, 64, 127]);
      expect(gather(u, rows, 0).dtype).toBe('u8');
      const f = cast(s, 'f32');
      expect(f.dtype).toBe('f32');
      expect(f.toArray()).toEqual([-128, -1, 0, 1, 64, 127]);
      expect(cast(u, 'f32').toArray()).toEqual([0, 1, 127, 128, 254, 255]);
      expect(() => {
        u.requiresGrad = true;
      }).toThrow(/only f32\/f64/);
      expect(() => add(s, s)).toThrow(/i8/);
    });
  });

  it('keeps data on the chosen backend and rejects mixing backends', () => {
    const other = new CpuBackend({ heap: new CpuHeap(1 << 20) });
    const a = tensor([1, 2], [2], 'f32', { backend: other });
    expect(a.backend).toBe(other);
    expect(other.heap.stats().liveBlocks).toBe(1);
    const b = tensor([1, 2]);
    expect(() => add(a, b)).toThrow(/different backends/);
    const c = add(a, a);
    expect(c.backend).toBe(other);
    dispose([a, b, c]);
    expect(other.heap.stats().liveBytes).toBe(0);
  });

  it('setBackend changes where new tensors go', () => {
    const prev = getBackend();
    const other = new CpuBackend({ heap: new CpuHeap(1 << 20) });
    setBackend(other);
    try {
      const t = zeros([3]);
      expect(t.backend).toBe(other);
      t.dispose();
    } finally {
      setBackend(prev);
    }
  });
});

describe('tidy', () => {
  it('frees intermediates, keeps returned tensors (nested in objects), returns them to the parent', () => {
    const before = heap().stats().liveBytes;
    const { a, list } = tidy(() => {
      const x = full([100], 1);
      const y = mul(x, 2);
      const z = add(y, 1);
      return { a: z, list: [add(z, 1)] };
    });
    expect(a.toArray()[0]).toBe(3);
    expect(list[0]!.toArray()[0]).toBe(4);
    expect(heap().stats().liveBytes - before).toBe(2 * 448);
    dispose({ a, list });
    expect(heap().stats().liveBytes).toBe(before);
  });

  it('moves results into the enclosing scope, honours keep, and cleans up on throw', () => {
    const before = heap().stats().liveBytes;
    let kept: ReturnType<typeof zeros> | undefined;
    tidy(() => {
      const inner = tidy(() => zeros([4]));
      kept = keep(zeros([4]));
      expect(inner.isDisposed).toBe(false);
    });
    expect(kept!.isDisposed).toBe(false);
    kept!.dispose();
    expect(() =>
      tidy(() => {
        zeros([8]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(scopeDepth()).toBe(0);
    expect(heap().stats().liveBytes).toBe(before);
    expect(() => tidy(() => Promise.resolve(1))).toThrow(/Promise/);
  });
});
