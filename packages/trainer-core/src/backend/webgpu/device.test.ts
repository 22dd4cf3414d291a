import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireWebGpuDevice, listWebGpuAdapters, type WebGpuContext } from './device.js';

/** Runs one compute pass over storage buffers and reads back the last binding. */
async function runCompute(
  ctx: WebGpuContext,
  code: string,
  inputs: Float32Array[],
  outputLength: number,
  workgroups: [number, number?, number?],
  uniforms?: Uint32Array,
): Promise<Float32Array> {
  const { device } = ctx;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffers = inputs.map((data) => {
    const b = device.createBuffer({ size: data.byteLength, usage });
    device.queue.writeBuffer(b, 0, data);
    return b;
  });
  const out = device.createBuffer({ size: outputLength * 4, usage });
  const read = device.createBuffer({
    size: outputLength * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const entries: GPUBindGroupEntry[] = [...buffers, out].map((buffer, binding) => ({ binding, resource: { buffer } }));
  if (uniforms) {
    const u = device.createBuffer({
      size: uniforms.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(u, 0, uniforms);
    entries.push({ binding: entries.length, resource: { buffer: u } });
  }
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
  pass.dispatchWorkgroups(...(workgroups as [number, number, number]));
  pass.end();
  enc.copyBufferToBuffer(out, 0, read, 0, outputLength * 4);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const result = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  return result;
}

function seededValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

const TILE = 8;
const MATMUL_WGSL = /* wgsl */ `
struct Dims { m: u32, n: u32, k: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> dims: Dims;
var<workgroup> ta: array<f32, ${TILE * TILE}>;
var<workgroup> tb: array<f32, ${TILE * TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = gid.y; let col = gid.x;
  var acc = 0.0;
  for (var t = 0u; t < (dims.k + ${TILE}u - 1u) / ${TILE}u; t++) {
    let ak = t * ${TILE}u + lid.x; let bk = t * ${TILE}u + lid.y;
    ta[lid.y * ${TILE}u + lid.x] = select(0.0, a[row * dims.k + ak], row < dims.m && ak < dims.k);
    tb[lid.y * ${TILE}u + lid.x] = select(0.0, b[bk * dims.n + col], bk < dims.k && col < dims.n);
    workgroupBarrier();
    for (var i = 0u; i < ${TILE}u; i++) { acc += ta[lid.y * ${TILE}u + i] * tb[i * ${TILE}u + lid.x]; }
    workgroupBarrier();
  }
  if (row < dims.m && col < dims.n) { c[row * dims.n + col] = acc; }
}`;

describe('WebGPU bring-up', () => {
  let ctx: WebGpuContext;
  beforeAll(async () => {
    ctx = await acquireWebGpuDevice();
    // Visible in the test log, so CI shows which adapter the kernels really ran on.
    console.log(
      `[webgpu] adapter: ${ctx.adapter.kind} via ${ctx.adapter.backend} (${ctx.adapter.featureLevel}): ` +
        `${ctx.adapter.device} (${ctx.adapter.description})`,
    );
  });
  afterAll(() => ctx?.release());

  it('lists at least the adapter it acquired', async () => {
    const adapters = await listWebGpuAdapters();
    expect(adapters.map((a) => a.kind)).toContain(ctx.adapter.kind);
    expect(ctx.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
  });

  it('adds two vectors on the device', async () => {
    const n = 1000;
    const x = seededValues(n, 1);
    const y = seededValues(n, 2);
    const code = /* wgsl */ `
      @group(0) @binding(0) var<storage, read> x: array<f32>;
      @group(0) @binding(1) var<storage, read> y: array<f32>;
      @group(0) @binding(2) var<storage, read_write> z: array<f32>;
      @compute @workgroup_size(64)
      fn main(@builtin(global_invocation_id) gid: vec3u) {
        if (gid.x < arrayLength(&z)) { z[gid.x] = x[gid.x] + y[gid.x]; }
      }`;
    const z = await runCompute(ctx, code, [x, y], n, [Math.ceil(n / 64)]);
    for (let i = 0; i < n; i++) expect(z[i]).toBe(Math.fround((x[i] ?? 0) + (y[i] ?? 0)));
  });

  it('multiplies matrices with a shared-memory tiled kernel, matching a CPU matmul', async () => {
    const [m, n, k] = [19, 23, 37]; // odd sizes exercise the tile-edge guards
    const a = seededValues(m * k, 3);
    const b = seededValues(k * n, 4);
    const got = await runCompute(
      ctx,
      MATMUL_WGSL,
      [a, b],
      m * n,
      [Math.ceil(n / TILE), Math.ceil(m / TILE)],
      new Uint32Array([m, n, k, 0]),
    );
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let want = 0;
        for (let p = 0; p < k; p++) want += (a[i * k + p] ?? 0) * (b[p * n + j] ?? 0);
        expect(got[i * n + j]).toBeCloseTo(want, 4);
      }
    }
  });
});
