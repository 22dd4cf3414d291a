import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { CpuHeap } from '../backend/cpu/heap.js';
import { full, scalar, tensor, zeros } from '../ops/create.js';
import { add, cast, mul } from '../ops/elementwise.js';
import { gather } from '../ops/indexing.js';
import { slice, transpose } from '../ops/shape-ops.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { liveBytesOrSkip } from '../test-utils/live-bytes.js';
import { valuesOf } from '../test-utils/read.js';
import { getBackend, setBackend } from './engine.js';
import { dispose, keep, scopeDepth, tidy } from './scope.js';

describeEachBackend('tensor basics', (b) => {
  it('holds shape, dtype, device and data; reads async', async () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('f32');
    expect(t.backend).toBe(b.backend);
    expect(t.device).toBe(b.backend.name);
    expect(t.size).toBe(6);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4, 5, 6]);
    const view = transpose(t);
    expect(Array.from(await view.data())).toEqual([1, 4, 2, 5, 3, 6]);
    view.dispose();
    const three = scalar(3);
    expect(await three.item()).toBe(3);
    three.dispose();
    tidy(() => expect(tensor(new Int32Array([7]), [1]).dtype).toBe('i32'));
    t.dispose();
    await expect(t.data()).rejects.toThrow(/was disposed/);
    expect(() => t.assertAlive('read')).toThrow(/read: tensor#\d+ \[2, 3\] f32 was disposed/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/do not fill shape/);
    expect(() => tensor(new Uint16Array(2))).toThrow(/f16 or bf16/);
  });

  it('holds u8 and i8 (quantized data) and i32 (ids): round trip, views, row gather, exact cast to f32', async () => {
    const u = () => tensor(new Uint8Array([0, 1, 127, 128, 254, 255]), [2, 3]);
    const s = () => tensor(new Int8Array([-128, -1, 0, 1, 64, 127]), [2, 3]);
    const rows = () => tensor(new Int32Array([1, 0, 1]), [3], 'i32');
    const ids = tensor(new Int32Array([2 ** 31 - 1, -(2 ** 31)]), [2]);
    const [uu, ss] = [u(), s()];
    expect([uu.dtype, ss.dtype, ids.dtype]).toEqual(['u8', 'i8', 'i32']);
    expect(await uu.data()).toBeInstanceOf(Uint8Array);
    expect(await ss.data()).toBeInstanceOf(Int8Array);
    expect(await ids.array()).toEqual([2 ** 31 - 1, -(2 ** 31)]);
    tidy(() => {
      expect(gather(uu, rows(), 0).dtype).toBe('u8');
      expect(cast(ss, 'f32').dtype).toBe('f32');
      expect(() => {
        uu.requiresGrad = true;
      }).toThrow(/only f32\/f64/);
      expect(() => add(ss, ss)).toThrow(/i8/);
    });
    dispose([uu, ss, ids]);
    const got = await valuesOf(() => [
      transpose(u()),
      slice(s(), [0, 1], [2, 2]),
      gather(s(), rows(), 0),
      cast(s(), 'f32'),
      cast(u(), 'f32'),
    ]);
    expect(got).toEqual([
      [0, 128, 1, 254, 127, 255],
      [-1, 0, 64, 127],
      [1, 64, 127, -128, -1, 0, 1, 64, 127],
      [-128, -1, 0, 1, 64, 127],
      [0, 1, 127, 128, 254, 255],
    ]);
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

describeEachBackend('tidy', (b) => {
  it('frees intermediates, keeps returned tensors (nested in objects), returns them to the parent', async (ctx) => {
    const memory = () => liveBytesOrSkip(b.backend, ctx);
    const before = memory().stats().liveBytes;
    const { a, list } = tidy(() => {
      const x = full([100], 1);
      const y = mul(x, 2);
      const z = add(y, 1);
      return { a: z, list: [add(z, 1)] };
    });
    expect((await a.array())[0]).toBe(3);
    expect((await list[0]!.array())[0]).toBe(4);
    expect(memory().stats().liveBytes - before).toBe(2 * 448);
    dispose({ a, list });
    expect(memory().stats().liveBytes).toBe(before);
  });

  it('moves results into the enclosing scope, honours keep, and cleans up on throw', (ctx) => {
    const memory = () => liveBytesOrSkip(b.backend, ctx);
    const before = memory().stats().liveBytes;
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
    expect(memory().stats().liveBytes).toBe(before);
    expect(() => tidy(() => Promise.resolve(1))).toThrow(/Promise/);
  });
});

describe('synchronous reads', () => {
  it('exist where the host can read the memory (cpu), with a message naming the async read elsewhere', () => {
    const cpu = new CpuBackend();
    const t = tensor([1, 2, 3, 4], [2, 2], 'f32', { backend: cpu });
    expect(t.arraySync()).toEqual([1, 2, 3, 4]);
    tidy(() => {
      expect(transpose(t).dataSync()).toEqual(new Float32Array([1, 3, 2, 4]));
      expect(tensor([5], [], 'f32', { backend: cpu }).itemSync()).toBe(5);
    });
    t.dispose();
    expect(() => t.dataSync()).toThrow(/dataSync: tensor#\d+ \[2, 2\] f32 was disposed/);
    // A device whose memory the host cannot see (a GPU) has no downloadSync.
    const device: Backend = {
      name: 'device',
      limits: cpu.limits,
      allocate: (dtype, size) => cpu.allocate(dtype, size),
      free: (h) => cpu.free(h as number),
      upload: (h, dtype, v, offset) => cpu.upload(h as number, dtype, v, offset),
      download: (h, dtype, offset, size) => cpu.download(h as number, dtype, offset, size),
      flush: () => {},
      sync: () => Promise.resolve(),
      time: (fn) => cpu.time(fn),
      dispose: () => {},
    };
    const d = tensor([1, 2], [2], 'f32', { backend: device });
    expect(() => d.dataSync()).toThrow('dataSync: backend device cannot be read synchronously; use await data()');
    d.dispose();
    expect(cpu.heap.stats().liveBytes).toBe(0);
  });
});
