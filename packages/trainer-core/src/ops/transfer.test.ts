import { expect, it, vi } from 'vitest';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { CpuHeap } from '../backend/cpu/heap.js';
import { dispose, tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { liveBytesOrSkip } from '../test-utils/live-bytes.js';
import { valuesOf } from '../test-utils/read.js';
import { full, tensor } from './create.js';
import { mul } from './elementwise.js';
import { sum } from './reduce.js';
import { transpose } from './shape-ops.js';
import { assign, readScalars, toBackend } from './transfer.js';

describeEachBackend('assign', () => {
  it('writes a typed array or a tensor into an existing tensor in place', async () => {
    const p = tensor([0, 0, 0, 0], [2, 2]);
    const storage = p.storage;
    assign(p, new Float32Array([1, 2, 3, 4]));
    expect(await p.array()).toEqual([1, 2, 3, 4]);
    tidy(() => assign(p, transpose(tensor([5, 6, 7, 8], [2, 2]))));
    expect(await p.array()).toEqual([5, 7, 6, 8]);
    expect(p.storage).toBe(storage);
    tidy(() => {
      expect(() => assign(p, new Float32Array(3))).toThrow(/do not fit/);
      expect(() => assign(p, new Int32Array(4))).toThrow(/do not fit/);
      expect(() => assign(transpose(p), new Float32Array(4))).toThrow(/strided view/);
    });
    p.dispose();
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

describeEachBackend('toBackend', (b) => {
  it('copies a tensor to another backend and back', async () => {
    const other = new CpuBackend({ heap: new CpuHeap(1 << 20) });
    const t = tensor(new Int32Array([1, 2, 3]), [3], 'i32');
    const moved = await toBackend(t, other);
    expect(moved.backend).toBe(other);
    expect(moved.dtype).toBe('i32');
    expect(await moved.array()).toEqual([1, 2, 3]);
    expect(await toBackend(t, t.backend)).toBe(t);
    const back = await toBackend(moved, b.backend);
    expect(back.backend).toBe(b.backend);
    expect(await back.array()).toEqual([1, 2, 3]);
    dispose([t, moved, back]);
    expect(other.heap.stats().liveBytes).toBe(0);
  });
});

describeEachBackend('readScalars', (b) => {
  it('reads every named scalar with one packed download, leaving the tensors alive', async () => {
    const [loss, tokens, norm, flag] = [
      tensor([2.5], []),
      tensor(new Int32Array([17]), [], 'i32'),
      full([1, 1], 0.125),
      tensor(new Uint8Array([1]), [1], 'u8'),
    ];
    const download = vi.spyOn(b.backend, 'download');
    try {
      const got = await readScalars({ loss, tokens, gradNorm: norm, nanSeen: flag });
      expect(got).toEqual({ loss: 2.5, tokens: 17, gradNorm: 0.125, nanSeen: 1 });
      expect(download).toHaveBeenCalledTimes(1);
      // One f32 element per scalar, in one transfer.
      expect(download.mock.calls[0]![1]).toBe('f32');
      expect(download.mock.calls[0]![3]).toBe(4);
    } finally {
      download.mockRestore();
    }
    for (const t of [loss, tokens, norm, flag]) expect(t.isDisposed).toBe(false);
    expect(await valuesOf(() => [loss, tokens])).toEqual([[2.5], [17]]);
    dispose([norm, flag]);
  });

  it('downloads nothing for no scalars and names a tensor that is not one', async () => {
    const download = vi.spyOn(b.backend, 'download');
    try {
      expect(await readScalars({})).toEqual({});
      expect(download).not.toHaveBeenCalled();
    } finally {
      download.mockRestore();
    }
    const v = tensor([1, 2], [2]);
    await expect(readScalars({ loss: v })).rejects.toThrow(
      /readScalars: loss is tensor#\d+ \[2\] f32, expected one element/,
    );
    v.dispose();
  });

  it('leaves nothing allocated', async (ctx) => {
    const memory = liveBytesOrSkip(b.backend, ctx);
    const x = tensor([3], []);
    const before = memory.stats().liveBytes;
    expect(await readScalars({ x, y: x })).toEqual({ x: 3, y: 3 });
    expect(memory.stats().liveBytes).toBe(before);
    x.dispose();
  });
});
