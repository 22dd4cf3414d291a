/// <reference types="@webgpu/types" />
/**
 * The WebGPU backend (Dawn through the `webgpu` package).
 *
 * Execution model. Kernels are recorded into a command encoder, one compute pass per run of
 * dispatches, and submitted in batches (every `batchDispatches` dispatches, or when something
 * must reach the queue: a download, `sync`, `time`, an upload into a buffer the open batch uses).
 * Nothing but `download`, `sync` and `time` waits for the device, so a training step records all
 * of its kernels without a host round trip.
 *
 * Memory. Tensors are buffers from a size-bucketed pool (runtime/buffer-pool.ts), always bound
 * whole with the view's element offset in a uniform. `free` of a buffer that the open batch binds
 * waits for that batch's submit before the buffer returns to the pool: an upload into a reused
 * buffer goes through `queue.writeBuffer`, which runs before any unsubmitted command.
 *
 * Kernels. Each kernel file (kernels/*.ts) builds a ShaderSpec per variant (the definition's
 * variantKey plus any shape class) and dispatches it with `dispatch`; runtime settings travel in
 * a per-dispatch uniform block (runtime/uniform-arena.ts), so pipelines and bind groups are
 * created once and reused. Kernels that need more storage buffers than the adapter allows are
 * packed (shader/pack.ts).
 */
import { bytesPerElement, type DType, type TypedArray, typedArrayFor } from '../../tensor/dtype.js';
import type { Backend, BackendLimits, TensorInfo } from '../backend.js';
import type { AdapterReport } from './device.js';
import { BufferPool, type GpuBuffer, type PoolStats } from './runtime/buffer-pool.js';
import { UniformArena, type UniformValues } from './runtime/uniform-arena.js';
import { assembleWgsl, type UniformLayout, uniformLayout } from './shader/assemble.js';
import { type PackPlan, planPacking } from './shader/pack.js';
import type { ShaderSpec } from './shader/spec.js';
import './kernels/index.js';

/** What the adapter offers beyond WebGPU's core, and what the kernels use it for (see features.ts). */
export interface WebGpuFeatures {
  readonly shaderF16: boolean;
  readonly subgroups: boolean;
  readonly timestampQuery: boolean;
}

export interface WebGpuBackendOptions {
  /** Dispatches recorded before a batch is submitted (default 128). */
  batchDispatches?: number;
  /** Storage buffers one kernel may bind, at most the adapter's (lower it to exercise packing). */
  maxStorageBuffers?: number;
  /**
   * Workgroups the device wants in flight; matmuls with fewer output tiles split K to reach it
   * (default 512 on a hardware adapter, 1 on the software one, where splitting only costs).
   */
  occupancy?: number;
}

export interface WebGpuTuning {
  readonly occupancy: number;
}

/** A buffer region a kernel binds: the whole buffer, with `offset` (elements) passed as `u.<name>_o`. */
export interface BufferView {
  readonly buffer: GpuBuffer;
  /** Element offset, in the binding's unit (shader/spec.ts `unitBytes`). */
  readonly offset: number;
  /** Elements from `offset` the kernel may touch (what argument packing copies). */
  readonly span: number;
}

export interface Program {
  readonly id: number;
  readonly spec: ShaderSpec;
  readonly layout: UniformLayout;
  readonly pipeline: GPUComputePipeline;
  readonly pack: PackPlan | undefined;
}

export interface WebGpuStats extends PoolStats {
  /** Bytes (by bucket size) of tensors allocated and not yet freed, as the CPU heap counts them. */
  liveBytes: number;
  dispatches: number;
  submits: number;
  downloads: number;
  uploads: number;
  pipelines: number;
  /** Host milliseconds spent creating shader modules and pipelines. */
  compileMs: number;
  bindGroups: number;
}

/** Elements a strided view touches, from its first element to its last. */
export function viewSpan(info: Pick<TensorInfo, 'shape' | 'strides' | 'size'>): number {
  if (info.size === 0) return 0;
  let last = 0;
  for (let i = 0; i < info.shape.length; i++) last += (info.shape[i]! - 1) * info.strides[i]!;
  return last + 1;
}

/** The view a kernel binds for a tensor. */
export function tensorView(info: TensorInfo): BufferView {
  return { buffer: info.handle as GpuBuffer, offset: info.offset, span: viewSpan(info) };
}

const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 1;
function bufferId(b: GPUBuffer): number {
  let id = bufferIds.get(b);
  if (id === undefined) {
    id = nextBufferId++;
    bufferIds.set(b, id);
  }
  return id;
}

const MAX_BIND_GROUPS = 8192;
const ARENA_BYTES = 1 << 20;

export class WebGpuBackend implements Backend<GpuBuffer> {
  readonly name = 'webgpu';
  readonly limits: BackendLimits;
  readonly features: WebGpuFeatures;
  /** Storage buffers one kernel may bind. */
  readonly maxStorageBuffers: number;
  readonly maxWorkgroupsPerDimension: number;
  readonly maxWorkgroupStorageBytes: number;
  readonly maxInvocations: number;
  readonly tuning: WebGpuTuning;

  private readonly pool: BufferPool;
  private readonly readPool: BufferPool;
  private readonly arena: UniformArena;
  private readonly programs = new Map<string, Program>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly batchDispatches: number;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batch = 0;
  private dispatchesInBatch = 0;
  private pendingFree: GpuBuffer[] = [];
  private errors: string[] = [];
  private lostMessage: string | undefined;
  private disposed = false;
  private timing: { querySet: GPUQuerySet; begun: boolean } | undefined;
  private readonly counters = { dispatches: 0, submits: 0, downloads: 0, uploads: 0, compileMs: 0, bindGroups: 0 };
  private tensorBytes = 0;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterReport,
    private readonly release: () => void,
    options: WebGpuBackendOptions = {},
  ) {
    const l = device.limits;
    this.maxStorageBuffers = Math.min(l.maxStorageBuffersPerShaderStage, options.maxStorageBuffers ?? Infinity);
    this.maxWorkgroupsPerDimension = l.maxComputeWorkgroupsPerDimension;
    this.maxWorkgroupStorageBytes = l.maxComputeWorkgroupStorageSize;
    this.maxInvocations = l.maxComputeInvocationsPerWorkgroup;
    this.limits = {
      // Every tensor is bound whole, so no buffer may exceed one storage binding.
      maxAllocationBytes: Math.min(l.maxBufferSize, l.maxStorageBufferBindingSize),
      maxBindingsPerKernel: this.maxStorageBuffers,
      computeDTypes: ['f32'],
    };
    this.features = {
      shaderF16: device.features.has('shader-f16'),
      subgroups: device.features.has('subgroups'),
      timestampQuery: device.features.has('timestamp-query'),
    };
    this.batchDispatches = options.batchDispatches ?? 128;
    this.tuning = { occupancy: options.occupancy ?? (adapter.kind === 'software' ? 1 : 512) };
    this.pool = new BufferPool(
      device,
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      'tensor',
    );
    this.readPool = new BufferPool(device, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback');
    this.arena = new UniformArena(device, ARENA_BYTES, l.minUniformBufferOffsetAlignment);
    device.addEventListener('uncapturederror', (e) => {
      this.errors.push((e as GPUUncapturedErrorEvent).error.message);
    });
    void device.lost.then((info) => {
      if (!this.disposed) this.lostMessage = `${info.reason}: ${info.message}`;
    });
  }

  // ---- the Backend contract ----

  allocate(dtype: DType, size: number): GpuBuffer {
    this.assertUsable();
    const bytes = Math.max(size * bytesPerElement(dtype), 4);
    if (bytes > this.limits.maxAllocationBytes) {
      throw new RangeError(
        `webgpu: a ${dtype} tensor of ${size} elements needs ${bytes} bytes; this adapter binds at most ` +
          `${this.limits.maxAllocationBytes} bytes per buffer`,
      );
    }
    const handle = this.pool.acquire(bytes);
    handle.tensor = true;
    this.tensorBytes += handle.capacity;
    return handle;
  }

  free(handle: GpuBuffer): void {
    if (this.disposed) return;
    if (handle.tensor) {
      handle.tensor = false;
      this.tensorBytes -= handle.capacity;
    }
    if (handle.lastBatch === this.batch && this.encoder) this.pendingFree.push(handle);
    else this.pool.release(handle);
  }

  upload(handle: GpuBuffer, dtype: DType, values: TypedArray, offset = 0): void {
    this.assertUsable();
    const bpe = bytesPerElement(dtype);
    if (values.BYTES_PER_ELEMENT !== bpe) {
      throw new TypeError(`webgpu upload: ${values.constructor.name} does not hold ${dtype} elements`);
    }
    const start = offset * bpe;
    const bytes = values.byteLength;
    if (bytes === 0) return;
    if (start + bytes > handle.capacity) throw new RangeError('webgpu upload: writes past the end of the buffer');
    this.counters.uploads++;
    // queue.writeBuffer runs before anything still unsubmitted: submit what reads this buffer first.
    if (handle.lastBatch === this.batch && this.encoder) this.flush();
    const src = new Uint8Array(values.buffer, values.byteOffset, bytes);
    const end = start + bytes;
    const alignedEnd = Math.ceil(end / 4) * 4;
    if (start % 4 === 0 && (end % 4 === 0 || end >= handle.requested)) {
      // A tail past the last word only touches padding that no tensor owns.
      const data = end % 4 === 0 ? src : padTo(src, alignedEnd - start);
      this.device.queue.writeBuffer(handle.buffer, start, data.buffer, data.byteOffset, data.byteLength);
      return;
    }
    this.writeBytesMerged(handle, start, src);
  }

  async download(handle: GpuBuffer, dtype: DType, offset: number, size: number): Promise<TypedArray> {
    this.assertUsable();
    const bpe = bytesPerElement(dtype);
    if (size === 0) return typedArrayFor(dtype, new ArrayBuffer(0), 0, 0);
    this.counters.downloads++;
    const start = offset * bpe;
    const alignedStart = Math.floor(start / 4) * 4;
    const alignedEnd = Math.ceil((start + size * bpe) / 4) * 4;
    const bytes = alignedEnd - alignedStart;
    const staging = this.readPool.acquire(bytes);
    this.copyBytes(handle, alignedStart, staging, 0, bytes);
    this.flush();
    try {
      await staging.buffer.mapAsync(GPUMapMode.READ, 0, bytes);
      const data = staging.buffer
        .getMappedRange(0, bytes)
        .slice(start - alignedStart, start - alignedStart + size * bpe);
      staging.buffer.unmap();
      this.throwIfErrors();
      return typedArrayFor(dtype, data, 0, size);
    } finally {
      this.readPool.release(staging);
    }
  }

  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    this.arena.upload();
    this.device.queue.submit([this.encoder.finish()]);
    this.counters.submits++;
    this.encoder = null;
    this.batch++;
    this.dispatchesInBatch = 0;
    for (const b of this.pendingFree) this.pool.release(b);
    this.pendingFree = [];
  }

  async sync(): Promise<void> {
    this.assertUsable();
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.throwIfErrors();
  }

  /**
   * With `timestamp-query`: GPU time from the start of the first compute pass `fn` records to the
   * end of its last. Without (llvmpipe, some drivers): wall time of `fn`'s work from a synced
   * queue to its completion, which includes submission overhead.
   */
  async time(fn: () => void): Promise<number> {
    this.assertUsable();
    if (!this.features.timestampQuery) {
      await this.sync();
      const start = performance.now();
      fn();
      await this.sync();
      return performance.now() - start;
    }
    this.flush();
    const querySet = this.device.createQuerySet({ type: 'timestamp', count: 2 });
    this.timing = { querySet, begun: false };
    const wallStart = performance.now();
    try {
      fn();
    } finally {
      this.endPass();
      this.timing = undefined;
    }
    const resolve = this.device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const read = this.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = this.commandEncoder();
    encoder.resolveQuerySet(querySet, 0, 2, resolve, 0);
    encoder.copyBufferToBuffer(resolve, 0, read, 0, 16);
    this.flush();
    await read.mapAsync(GPUMapMode.READ);
    const [t0, t1] = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    for (const b of [resolve, read]) b.destroy();
    querySet.destroy();
    this.throwIfErrors();
    if (t0 === undefined || t1 === undefined || t1 < t0 || t0 === 0n) return performance.now() - wallStart;
    return Number(t1 - t0) / 1e6;
  }

  dispose(): void {
    if (this.disposed) return;
    try {
      this.flush();
    } catch {
      // the device may already be lost
    }
    this.disposed = true;
    this.pool.trim();
    this.readPool.trim();
    this.bindGroups.clear();
    this.release();
  }

  // ---- for kernels ----

  /** The compiled program of `key`, built from `build()` the first time it is asked for. */
  program(key: string, build: () => ShaderSpec): Program {
    const cached = this.programs.get(key);
    if (cached) return cached;
    const spec = build();
    if (spec.key !== key) throw new Error(`webgpu: program built for ${spec.key} was asked for as ${key}`);
    if (spec.enables?.includes('f16') && !this.features.shaderF16) {
      throw new Error(`webgpu: ${key} needs shader-f16, which this adapter lacks`);
    }
    if (spec.enables?.includes('subgroups') && !this.features.subgroups) {
      throw new Error(`webgpu: ${key} needs subgroups, which this adapter lacks`);
    }
    const start = performance.now();
    const pack = planPacking(spec, this.maxStorageBuffers);
    const code = assembleWgsl(spec, pack);
    const layout = uniformLayout(spec);
    const declared = pack ? pack.bindings : spec.bindings;
    const bindGroupLayout = this.device.createBindGroupLayout({
      label: key,
      entries: [
        {
          binding: 0,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: layout.bytes },
        },
        ...declared.map((b, i) => ({
          binding: i + 1,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: b.access === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
        })),
      ],
    });
    const pipeline = this.device.createComputePipeline({
      label: key,
      layout: this.device.createPipelineLayout({ label: key, bindGroupLayouts: [bindGroupLayout] }),
      compute: { module: this.device.createShaderModule({ label: key, code }), entryPoint: 'main' },
    });
    this.counters.compileMs += performance.now() - start;
    const program: Program = { id: this.programs.size + 1, spec, layout, pipeline, pack };
    this.programs.set(key, program);
    return program;
  }

  /**
   * Records one dispatch of `program` over `views` (one per spec binding, in order) with
   * `uniforms` (each binding's `<name>_o` is filled from its view) and `grid` workgroups.
   */
  dispatch(
    program: Program,
    views: readonly BufferView[],
    uniforms: UniformValues,
    grid: readonly [number, number?, number?],
  ): void {
    this.assertUsable();
    const { spec } = program;
    if (views.length !== spec.bindings.length) {
      throw new Error(`${spec.key}: ${spec.bindings.length} bindings declared, ${views.length} given`);
    }
    const [x, y = 1, z = 1] = grid;
    if (x === 0 || y === 0 || z === 0) return;
    for (const g of [x, y, z]) {
      if (g > this.maxWorkgroupsPerDimension) {
        throw new RangeError(
          `${spec.key}: ${g} workgroups in one dimension (the adapter allows ${this.maxWorkgroupsPerDimension})`,
        );
      }
    }
    const values: Record<string, number | readonly number[]> = { ...uniforms };
    const bound = this.unaliased(spec, views);
    spec.bindings.forEach((b, i) => {
      values[`${b.name}_o`] = bound[i]!.offset;
    });
    if (program.pack) {
      this.dispatchPacked(program, bound, values, [x, y, z]);
      return;
    }
    this.record(
      program,
      bound.map((v) => v.buffer),
      values,
      [x, y, z],
    );
  }

  /** A temporary buffer of at least `bytes`; free it (the release waits for the batch) when done. */
  scratch(bytes: number): GpuBuffer {
    return this.pool.acquire(Math.max(bytes, 4));
  }

  /** Records a buffer-to-buffer copy (offsets and size multiples of 4 bytes). */
  copyBytes(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src.buffer, srcOffset, dst.buffer, dstOffset, bytes);
    src.lastBatch = this.batch;
    dst.lastBatch = this.batch;
  }

  /** Counters for tests and `guinav doctor`. */
  stats(): WebGpuStats {
    return { ...this.pool.stats(), ...this.counters, liveBytes: this.tensorBytes, pipelines: this.programs.size };
  }

  /** Destroys idle pooled buffers. */
  trim(): void {
    this.flush();
    this.pool.trim();
    this.readPool.trim();
    this.bindGroups.clear();
  }

  // ---- internals ----

  private assertUsable(): void {
    if (this.disposed) throw new Error('webgpu: the backend was disposed');
    if (this.lostMessage) throw new Error(`webgpu: the device was lost (${this.lostMessage})`);
  }

  private throwIfErrors(): void {
    if (this.lostMessage) throw new Error(`webgpu: the device was lost (${this.lostMessage})`);
    if (this.errors.length === 0) return;
    const messages = this.errors.splice(0);
    throw new Error(`webgpu: ${messages.length} device error(s):\n${messages.join('\n')}`);
  }

  private commandEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (this.pass) return this.pass;
    const encoder = this.commandEncoder();
    const timing = this.timing;
    if (timing) {
      const timestampWrites: GPUComputePassTimestampWrites = { querySet: timing.querySet, endOfPassWriteIndex: 1 };
      if (!timing.begun) timestampWrites.beginningOfPassWriteIndex = 0;
      timing.begun = true;
      this.pass = encoder.beginComputePass({ timestampWrites });
    } else {
      this.pass = encoder.beginComputePass();
    }
    return this.pass;
  }

  private endPass(): void {
    if (!this.pass) return;
    this.pass.end();
    this.pass = null;
  }

  private record(
    program: Program,
    buffers: readonly GpuBuffer[],
    values: UniformValues,
    grid: [number, number, number],
  ) {
    const bytes = program.layout.bytes;
    if (!this.arena.fits(bytes)) this.flush();
    const offset = this.arena.write(program.layout, values, program.spec.key);
    const pass = this.computePass();
    pass.setPipeline(program.pipeline);
    pass.setBindGroup(0, this.bindGroup(program, buffers), [offset]);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    for (const b of buffers) b.lastBatch = this.batch;
    this.counters.dispatches++;
    if (++this.dispatchesInBatch >= this.batchDispatches) this.flush();
  }

  private bindGroup(program: Program, buffers: readonly GpuBuffer[]): GPUBindGroup {
    const key = `${program.id}:${buffers.map((b) => bufferId(b.buffer)).join(',')}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.clear();
      group = this.device.createBindGroup({
        label: program.spec.key,
        layout: program.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.arena.buffer, offset: 0, size: program.layout.bytes } },
          ...buffers.map((b, i) => ({ binding: i + 1, resource: { buffer: b.buffer } })),
        ],
      });
      this.bindGroups.set(key, group);
      this.counters.bindGroups++;
    }
    return group;
  }

  /**
   * WebGPU refuses a buffer bound writable and also bound again in the same dispatch (an
   * in-place op on itself, `x.add_(x)`): such read-only bindings read a copy instead.
   */
  private unaliased(spec: ShaderSpec, views: readonly BufferView[]): BufferView[] {
    const written = new Set<GpuBuffer>();
    spec.bindings.forEach((b, i) => {
      if (b.access === 'read_write') written.add(views[i]!.buffer);
    });
    if (written.size === 0) return [...views];
    const writers = spec.bindings.filter((b) => b.access === 'read_write').length;
    if (written.size < writers) throw new Error(`${spec.key}: two written bindings share one buffer`);
    return views.map((v, i) => {
      if (spec.bindings[i]!.access !== 'read' || !written.has(v.buffer)) return v;
      const unit = spec.bindings[i]!.unitBytes;
      const start = Math.floor((v.offset * unit) / 16) * 16;
      const end = Math.ceil(((v.offset + v.span) * unit) / 4) * 4;
      const copy = this.scratch(end - start);
      this.copyBytes(v.buffer, start, copy, 0, end - start);
      this.pendingFree.push(copy);
      return { buffer: copy, offset: (v.offset * unit - start) / unit, span: v.span };
    });
  }

  private dispatchPacked(
    program: Program,
    views: readonly BufferView[],
    values: Record<string, number | readonly number[]>,
    grid: [number, number, number],
  ): void {
    const plan = program.pack!;
    const { spec } = program;
    const copyBack: [GpuBuffer, number, GpuBuffer, number, number][] = [];
    const groupBuffers = plan.groups.map((g) => {
      const regions = g.members.map((m) => {
        const unit = spec.bindings[m]!.unitBytes;
        const v = views[m]!;
        const startByte = v.offset * unit;
        const regionStart = Math.floor(startByte / g.align) * g.align;
        const regionEnd = Math.ceil(((v.offset + v.span) * unit) / 4) * 4;
        return { m, v, unit, startByte, regionStart, size: Math.max(regionEnd - regionStart, 0) };
      });
      let cursor = 0;
      const placed = regions.map((r) => {
        const base = Math.ceil(cursor / g.align) * g.align;
        cursor = base + r.size;
        return { ...r, base };
      });
      const buffer = this.scratch(cursor);
      for (const r of placed) {
        this.copyBytes(r.v.buffer, r.regionStart, buffer, r.base, r.size);
        values[`${spec.bindings[r.m]!.name}_o`] = (r.base + r.startByte - r.regionStart) / r.unit;
        if (g.decl.access === 'read_write') copyBack.push([buffer, r.base, r.v.buffer, r.regionStart, r.size]);
      }
      return buffer;
    });
    const buffers = plan.slots.map((s) => (s.kind === 'direct' ? views[s.index]!.buffer : groupBuffers[s.group]!));
    this.record(program, buffers, values, grid);
    for (const [src, srcOffset, dst, dstOffset, bytes] of copyBack)
      this.copyBytes(src, srcOffset, dst, dstOffset, bytes);
    for (const b of groupBuffers) this.freeAfterBatch(b);
  }

  private freeAfterBatch(b: GpuBuffer): void {
    if (this.encoder) this.pendingFree.push(b);
    else this.pool.release(b);
  }

  /** Writes bytes at an offset or length that is not whole words, through a merge kernel. */
  private writeBytesMerged(handle: GpuBuffer, start: number, src: Uint8Array): void {
    const first = Math.floor(start / 4) * 4;
    const end = start + src.byteLength;
    const words = (Math.ceil(end / 4) * 4 - first) / 4;
    const staged = new Uint8Array(words * 4);
    staged.set(src, start - first);
    const tmp = this.scratch(staged.byteLength);
    this.device.queue.writeBuffer(tmp.buffer, 0, staged);
    const program = this.program('webgpu.mergeBytes', mergeBytesSpec);
    const groups = Math.ceil(words / 64);
    this.dispatch(
      program,
      [
        { buffer: handle, offset: first / 4, span: words },
        { buffer: tmp, offset: 0, span: words },
      ],
      { words, byteStart: start - first, byteEnd: end - first },
      [groups],
    );
    this.freeAfterBatch(tmp);
  }
}

function padTo(src: Uint8Array, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  out.set(src);
  return out;
}

/** dst words [0, words) take the bytes [byteStart, byteEnd) of src, keeping their other bytes. */
function mergeBytesSpec(): ShaderSpec {
  return {
    key: 'webgpu.mergeBytes',
    bindings: [
      { name: 'dst', elem: 'u32', access: 'read_write', unitBytes: 4 },
      { name: 'src', elem: 'u32', access: 'read', unitBytes: 4 },
    ],
    uniforms: [
      { name: 'words', type: 'u32' },
      { name: 'byteStart', type: 'u32' },
      { name: 'byteEnd', type: 'u32' },
    ],
    code: /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let w = gid.x;
  if (w >= u.words) { return; }
  var mask = 0u;
  for (var b = 0u; b < 4u; b++) {
    let byte = w * 4u + b;
    if (byte >= u.byteStart && byte < u.byteEnd) { mask |= 0xffu << (b * 8u); }
  }
  dst[u.dst_o + w] = (dst[u.dst_o + w] & ~mask) | (src[u.src_o + w] & mask);
}`,
  };
}
