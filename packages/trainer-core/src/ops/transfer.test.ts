import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { CpuHeap } from '../backend/cpu/heap.js';
import { tidy } from '../tensor/scope.js';
import { tensor } from './create.js';
import { mul } from './elementwise.js';
import { sum } from './reduce.js';
import { transpose } from './shape-ops.js';
import { assign, toBackend } from './transfer.js';

describe('assign', () => {
  it('writes a typed array or a tensor into an existing tensor in place', () => {
    tidy(() => {
      const p = tensor([0, 0, 0, 0], [2, 2]);
      const storage = p.storage;
      assign(p, new Float32Array([1, 2, 3, 4]));
      expect(p.toArray()).toEqual([1, 2, 3, 4]);
      assign(p, transpose(tensor([5, 6, 7, 8], [2, 2])));
      expect(p.toArray()).toEqual([5, 7, 6, 8]);
      expect(p.storage).toBe(storage);
      expect(() => assign(p, new Float32Array(3))).toThrow(/do not fit/);
      expect(() => assign(p, new Int32Array(4))).toThrow(/do not fit/);
      expect(() => assign(transpose(p), new Float32Array(4))).toThrow(/strided view/);
    });
  });

  it('marks the data as modified for autograd', () => {
    const w = tensor([1, 2], [2]);
    w.requiresGrad = true;
    tidy(() => {
      const y = sum(mul(w, w));
      assign(w, new Float32Array([3, 4]));
      expect(() => y.backward()).toThrow(/modified in place/);
    });
    w.dispose();
  });
});

describe('toBackend', () => {
  it('copies a tensor to another backend', async () => {
    const other = new CpuBackend({ heap: new CpuHeap(1 << 20) });
    const t = tensor(new Int32Array([1, 2, 3]), [3], 'i32');
    const moved = await toBackend(t, other);
    expect(moved.backend).toBe(other);
    expect(moved.dtype).toBe('i32');
    expect(moved.toArray()).toEqual([1, 2, 3]);
    expect(await toBackend(t, t.backend)).toBe(t);
    t.dispose();
    moved.dispose();
    expect(other.heap.stats().liveBytes).toBe(0);
  });
});
