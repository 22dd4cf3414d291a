/**
 * The WebGPU backend's own machinery, on whatever adapter Dawn offers (llvmpipe in CI): argument
 * packing, deferred frees, ordering of uploads with recorded work, byte-level transfers of 8- and
 * 16-bit data, split-K, grids past 65535 workgroups, timing, and Dawn's errors reaching the caller.
 * Kernel results themselves are checked by the backend-parametrised op suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attention } from '../../ops/attention.js';
import { randn, tensor } from '../../ops/create.js';
import { add, cast } from '../../ops/elementwise.js';
import { embedding, gather } from '../../ops/indexing.js';
import { crossEntropy } from '../../ops/loss.js';
import { matmul } from '../../ops/matmul.js';
import { layerNorm, rmsNorm } from '../../ops/norm.js';
import { sum } from '../../ops/reduce.js';
import { concat, contiguous, reshape, slice, transpose } from '../../ops/shape-ops.js';
import { softmax } from '../../ops/softmax.js';
import { assign } from '../../ops/transfer.js';
import { AdamW } from '../../optim/adamw.js';
import { TrainingRng } from '../../random/training-rng.js';
import { allocTypedArray, type DType, type TypedArray } from '../../tensor/dtype.js';
import { f16BitsToF32, f32ToBf16Bits, f32ToF16Bits } from '../../tensor/half.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import { onBackend as on, referenceBackend } from '../../test-utils/backends.js';
import type { Backend } from '../backend.js';
import { createWebGpuBackend } from './create-webgpu-backend.js';
import { LARGE_TILE, MEDIUM_TILE, matmulKey, matmulSpec, SMALL_TILE } from './programs/matmul.js';
import type { WebGpuBackend } from './webgpu-backend.js';

/** Forward and backward through most training kernels; every gradient and output, read back. */
async function workload(backend: WebGpuBackend): Promise<number[][]> {
  const results = on(backend, () => {
    const rng = new TrainingRng(21);
    const params = [
      randn([2, 6, 4, 8], rng),
      randn([2, 6, 2, 8], rng),
      randn([2, 6, 2, 8], rng),
      randn([64], rng),
      randn([64], rng),
      randn([11, 32], rng),
      randn([64, 11], rng),
    ];
    for (const p of params) p.requiresGrad = true;
    const [q, k, v, w, bias, table, head] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const opt = new AdamW(
      params.map((p, i) => [`p${i}`, p] as const),
      { lr: 1e-2 },
    );
    const out = tidy(() => {
      const keyMask = tensor(new Int32Array([1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1]), [2, 6], 'i32');
      const a = reshape(attention(q, k, v, { keyMask, window: 4 }), [6, 64]);
      const ids = tensor(new Int32Array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]), [6, 2], 'i32');
      const h = add(layerNorm(a, w, bias), reshape(embedding(table, ids), [6, 64]));
      const logits = matmul(rmsNorm(h, w), head);
      const labels = tensor(new Int32Array([1, 2, -100, 4, 5, 6]), [6], 'i32');
      const { loss, accuracy } = crossEntropy(logits, labels);
      loss.backward();
      return [loss, accuracy, softmax(logits), sum(h)];
    });
    const grads = params.map((p) => p.grad!.detach());
    opt.step();
    return {
      tensors: [...out, ...grads, ...params.map((p) => p.detach())],
      dispose: () => {
        opt.dispose();
        for (const p of params) p.dispose();
      },
    };
  });
  try {
    return await Promise.all(results.tensors.map(async (t) => Array.from(await t.data())));
  } finally {
    for (const t of results.tensors) t.dispose();
    results.dispose();
  }
}

describe('WebGPU backend', () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await createWebGpuBackend();
  });
  afterAll(() => gpu?.dispose());

  it('packs arguments on an adapter with few storage buffers, giving the same bits', async () => {
    // 3 is below any real adapter's limit: attention's backward (9 buffers) then packs both its
    // inputs and its outputs; WebGPU's compatibility mode guarantees 4.
    const packed = await createWebGpuBackend({ maxStorageBuffers: 3 });
    try {
      expect(packed.limits.maxBindingsPerKernel).toBe(3);
      const want = await workload(gpu);
      const got = await workload(packed);
      expect(got).toEqual(want);
      expect(want[0]![0]).toBeGreaterThan(0);
    } finally {
      packed.dispose();
    }
  });

  it('keeps a freed buffer out of the pool until the batch that reads it is submitted', async () => {
    on(gpu, () => {
      gpu.flush();
      const x = tensor([1, 2, 3, 4]);
      const y = add(x, 1);
      const handle = x.storage.handle;
      x.dispose();
      const z = tensor([5, 6, 7, 8]);
      expect(z.storage.handle).not.toBe(handle);
      expect((z.storage.handle as { buffer: unknown }).buffer).not.toBe((handle as { buffer: unknown }).buffer);
      gpu.flush();
      const w = tensor([0, 0, 0, 0]);
      expect((w.storage.handle as { buffer: unknown }).buffer).toBe((handle as { buffer: unknown }).buffer);
      for (const t of [y, z, w]) t.dispose();
    });
  });

  it('orders an upload after recorded kernels that read the old contents', async () => {
    const [before, after] = await on(gpu, async () => {
      const x = tensor([1, 2, 3]);
      const y = add(x, 10);
      assign(x, new Float32Array([100, 200, 300]));
      const z = add(x, 10);
      const r = [await y.array(), await z.array()];
      for (const t of [x, y, z]) t.dispose();
      return r;
    });
    expect(before).toEqual([11, 12, 13]);
    expect(after).toEqual([110, 210, 310]);
  });

  it('writes and reads 8- and 16-bit data at any element offset without touching its neighbours', async () => {
    const h = gpu.allocate('u8', 11);
    gpu.upload(
      h,
      'u8',
      Uint8Array.from({ length: 11 }, (_, i) => i + 1),
    );
    gpu.upload(h, 'u8', new Uint8Array([70, 80, 90]), 5);
    gpu.upload(h, 'u8', new Uint8Array([99]), 1);
    expect(Array.from(await gpu.download(h, 'u8', 0, 11))).toEqual([1, 99, 3, 4, 5, 70, 80, 90, 9, 10, 11]);
    expect(Array.from(await gpu.download(h, 'u8', 3, 5))).toEqual([4, 5, 70, 80, 90]);
    gpu.free(h);
    const f16 = gpu.allocate('f16', 5);
    gpu.upload(f16, 'f16', new Uint16Array([1, 2, 3, 4, 5]));
    gpu.upload(f16, 'f16', new Uint16Array([0xabcd]), 3);
    expect(Array.from(await gpu.download(f16, 'f16', 1, 4))).toEqual([2, 3, 0xabcd, 5]);
    gpu.free(f16);
  });

  it('converts f16 and bf16 exactly as the CPU does, without shader-f16', async () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const rng = new TrainingRng(5);
    // Values around the f16 range, subnormals, ties and specials.
    const probes = Float32Array.from([
      ...Array.from({ length: 2000 }, () => rng.normal() * 2 ** rng.int(40) * 2 ** -24),
      0,
      -0,
      65504,
      65520,
      1e-8,
      2 ** -25,
      3 * 2 ** -25,
      1 + 2 ** -11,
      1 + 3 * 2 ** -11,
      Infinity,
      -Infinity,
      Number.NaN,
      1e38,
    ]);
    const [decoded, toHalf, toBf16] = await on(gpu, async () => {
      const halves = tensor(all, [65536], 'f16');
      const x = tensor(probes);
      const r = [await cast(halves, 'f32').data(), await cast(x, 'f16').data(), await cast(x, 'bf16').data()];
      for (const t of [halves, x]) t.dispose();
      return r;
    });
    const want = Float32Array.from(all, (h) => f16BitsToF32(h));
    expect(new Uint32Array((decoded as Float32Array).buffer)).toEqual(new Uint32Array(want.buffer));
    expect(Array.from(toHalf!)).toEqual(Array.from(probes, f32ToF16Bits));
    expect(Array.from(toBf16!)).toEqual(Array.from(probes, f32ToBf16Bits));
  });

  it('moves 8-, 16- and 32-bit elements through views, concatenation, gathers and slice assignment as the CPU does', async () => {
    const cpu = referenceBackend();
    const bits: Record<string, (i: number) => number> = {
      u8: (i) => (i * 37 + 11) & 0xff,
      i8: (i) => ((i * 53 + 7) & 0xff) - 128,
      f16: (i) => (i * 2654435761) >>> 16,
      bf16: (i) => (i * 40503 + 12345) & 0xffff,
      i32: (i) => Math.imul(i, 2654435761) | 0,
    };
    for (const [dtype, make] of Object.entries(bits) as [DType, (i: number) => number][]) {
      const run = (backend: Backend) =>
        on(backend, async () => {
          const data = (n: number, salt: number) =>
            allocTypedArray(dtype, n).map((_, i) => make(i + salt)) as TypedArray;
          const ts = tidy(() => {
            const x = tensor(data(15, 0), [3, 5], dtype);
            const y = tensor(data(9, 100), [3, 3], dtype);
            const target = tensor(data(21, 200), [3, 7], dtype);
            // A contiguous row at an element offset that splits words for 8- and 16-bit data.
            assign(slice(target, [1, 0], [1, 7]), tensor(data(7, 300), [1, 7], dtype));
            return [
              contiguous(transpose(x)),
              contiguous(slice(x, [1, 1], [2, 3])),
              concat([x, y, slice(x, [0, 3], [3, 1])], 1),
              gather(x, tensor(new Int32Array([2, 0, 7, 1]), [4], 'i32'), 0),
              gather(x, tensor(new Int32Array([4, -1, 3]), [3], 'i32'), 1),
              target,
            ];
          });
          const out = await Promise.all(ts.map(async (t) => Array.from(await t.data())));
          for (const t of ts) t.dispose();
          return out;
        });
      expect(await run(gpu), dtype).toEqual(await run(cpu));
    }
  });

  it('splits K for skinny products and sums the slices in order', async () => {
    const split = await createWebGpuBackend({ occupancy: 64 });
    try {
      const run = (b: WebGpuBackend) =>
        on(b, () => {
          const rng = new TrainingRng(9);
          const a = randn([2, 3, 700], rng);
          const w = randn([5, 700], rng);
          const r = tidy(() => [matmul(a, w, { transB: true }), matmul(a, randn([2, 700, 4], rng))]);
          a.dispose();
          w.dispose();
          return r;
        });
      const [plain, splitK] = [run(gpu), run(split)];
      for (let i = 0; i < 2; i++) {
        const [p, s] = [await plain[i]!.array(), await splitK[i]!.array()];
        s.forEach((v, j) => {
          expect(v).toBeCloseTo(p[j]!, 3);
        });
      }
      expect(split.stats().dispatches).toBeGreaterThan(2); // the slices and their sums
      for (const t of [...plain, ...splitK]) t.dispose();
    } finally {
      split.dispose();
    }
  });

  it('runs a matmul batch larger than one grid dimension takes, in chunks', async () => {
    const run = (backend: Backend) =>
      on(backend, async () => {
        const rng = new TrainingRng(3);
        const [a, b] = [randn([1100, 2, 3], rng), randn([1100, 3, 2], rng)];
        const c = matmul(a, b);
        const r = Array.from(await c.data());
        for (const t of [a, b, c]) t.dispose();
        return r;
      });
    const [got, want] = [await run(gpu), await run(referenceBackend())];
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 5);
    });
  });

  it('spreads more than 65535 workgroups over two grid dimensions', async () => {
    const rows = 70_001;
    const y = await on(gpu, async () => {
      const x = tensor(
        Float32Array.from({ length: rows * 2 }, (_, i) => i % 2),
        [rows, 2],
      );
      const r = await softmax(x).data();
      x.dispose();
      return r;
    });
    const e = 1 / (1 + Math.E);
    expect(y[0]).toBeCloseTo(e, 6);
    expect(y[rows * 2 - 1]).toBeCloseTo(1 - e, 6);
  });

  it('times device work', async () => {
    const ms = await on(gpu, () =>
      gpu.time(() => {
        const x = randn([64, 64], new TrainingRng(1));
        matmul(x, x).dispose();
        x.dispose();
      }),
    );
    expect(ms).toBeGreaterThan(0);
  });

  it("surfaces Dawn's validation errors at the next sync, naming the kernel", async () => {
    const program = gpu.program('test.broken', () => ({
      key: 'test.broken',
      bindings: [{ name: 'x', elem: 'f32', access: 'read_write', unitBytes: 4 }],
      uniforms: [],
      code: '@compute @workgroup_size(1) fn main() { x[u.x_o] = 1u; }',
    }));
    const h = gpu.allocate('f32', 1);
    gpu.dispatch(program, [{ buffer: h, offset: 0, span: 1 }], {}, [1]);
    await expect(gpu.sync()).rejects.toThrow(/test\.broken/);
    gpu.free(h);
    await gpu.sync();
  });

  it('refuses allocations larger than one storage binding, saying how large', () => {
    const limit = gpu.limits.maxAllocationBytes;
    expect(() => gpu.allocate('f32', limit / 4 + 1)).toThrow(/binds at most/);
  });
});

describe('kernels that need features the software adapter lacks', () => {
  it('compile and pass validation on the null adapter (every matmul tile, f16 storage, subgroup reductions)', async () => {
    const nullGpu = await createWebGpuBackend({ adapter: 'validation-only' });
    try {
      expect(nullGpu.features).toEqual({ shaderF16: true, subgroups: true, timestampQuery: true });
      // Runs nothing, but every pipeline the workload needs is created with subgroups enabled,
      // within the 16 KiB of workgroup storage and 8 storage buffers this adapter allows.
      await workload(nullGpu);
      on(nullGpu, () =>
        tidy(() => {
          for (const d of [64, 128, 256]) {
            const x = randn([1, 3, 2, d], new TrainingRng(d));
            x.requiresGrad = true;
            sum(attention(x, x, x, { keyMask: tensor(new Int32Array([1, 1, 0]), [1, 3], 'i32') })).backward();
            x.dispose();
          }
        }),
      );
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const tile of [SMALL_TILE, MEDIUM_TILE, LARGE_TILE]) {
            for (const vec of [false, true]) {
              for (const storage of ['f32', 'f16'] as const) {
                const v = { tile, transA, transB, vecA: vec, vecB: vec, vecC: vec, storage };
                nullGpu.program(matmulKey(v), () => matmulSpec(v, false));
              }
            }
          }
        }
      }
      await nullGpu.sync();
      expect(nullGpu.stats().pipelines).toBeGreaterThan(48);
      // Timestamp queries around several passes (a copy splits them) pass validation too.
      const ms = await on(nullGpu, () =>
        nullGpu.time(() => {
          const x = tensor(new Float32Array(64), [8, 8]);
          const y = matmul(x, x);
          assign(x, y);
          matmul(x, y).dispose();
          for (const t of [x, y]) t.dispose();
        }),
      );
      expect(ms).toBeGreaterThanOrEqual(0);
    } finally {
      nullGpu.dispose();
    }
  });
});
