/**
 * Sums over the middle axis of x viewed as [outer, n, inner], in f32, in a fixed order (so runs
 * repeat bit for bit). Long reductions are split into chunks whose partial sums are reduced by
 * the same kernel again, so a full reduction of millions of elements uses the whole GPU instead
 * of one workgroup, and no float atomics are needed.
 */
import { entry, linearGrid, linearThread } from '../shader/grid.js';
import { f32In, f32Out, type ShaderSpec, u32 } from '../shader/spec.js';
import type { BufferView, WebGpuBackend } from '../webgpu-backend.js';
import { type RowShape, rowEnables, rowKernel, rowShape } from './rows.js';

const COL_WG = 64;
/** Elements one workgroup (rows) or one thread (columns) sums before the work is split. */
const ROW_CHUNK = 4096;
const COL_CHUNK = 256;

function rowSumSpec(shape: RowShape, square: boolean): ShaderSpec {
  const load = square ? 'let v = x[xb + j]; s += v * v;' : 's += x[xb + j];';
  return {
    key: shape.key,
    enables: rowEnables(shape),
    bindings: [f32In('x'), f32Out('y')],
    uniforms: [u32('rows'), u32('n'), u32('chunk')],
    // rows here are (outer row, chunk) pairs: row = o * chunks + c.
    code: rowKernel(
      shape,
      /* wgsl */ `
  let chunks = (u.n + u.chunk - 1u) / u.chunk;
  let o = row / max(chunks, 1u);
  let c = row % max(chunks, 1u);
  let xb = u.x_o + o * u.n;
  let end = min(u.n, (c + 1u) * u.chunk);
  var s = 0.0;
  for (var j = c * u.chunk + lix; j < end; j += ${shape.wg}u) { ${load} }
  s = wg_sum(s, lix);
  if (lix == 0u) { y[u.y_o + row] = s; }`,
    ),
  };
}

function colSumSpec(square: boolean): ShaderSpec {
  const key = `webgpu.sumColumns|${square ? 'sq' : 'plain'}`;
  const load = square ? 'let v = x[xb + j * u.inner]; s += v * v;' : 's += x[xb + j * u.inner];';
  return {
    key,
    bindings: [f32In('x'), f32Out('y')],
    uniforms: [u32('outer'), u32('n'), u32('inner'), u32('chunk'), u32('chunks')],
    code: /* wgsl */ `
${entry(COL_WG)} {
  let t = ${linearThread(COL_WG)};
  if (t >= u.outer * u.chunks * u.inner) { return; }
  let i = t % u.inner;
  let c = (t / u.inner) % u.chunks;
  let o = t / (u.inner * u.chunks);
  let xb = u.x_o + o * u.n * u.inner + i;
  let end = min(u.n, (c + 1u) * u.chunk);
  var s = 0.0;
  for (var j = c * u.chunk; j < end; j++) { ${load} }
  y[u.y_o + t] = s;
}`,
  };
}

/** out[o, i] = sum_j x[o, j, i] (of squares when `square`); out holds outer * inner elements. */
export function sumAxis(
  backend: WebGpuBackend,
  x: BufferView,
  out: BufferView,
  outer: number,
  n: number,
  inner: number,
  square = false,
): void {
  if (outer * inner === 0) return;
  if (inner === 1) {
    const chunks = outer < 64 && n > 2 * ROW_CHUNK ? Math.min(Math.ceil(n / ROW_CHUNK), 4096) : 1;
    const chunk = Math.max(1, Math.ceil(n / chunks));
    const target = chunks > 1 ? scratchView(backend, outer * chunks) : out;
    const shape = rowShape(backend, `webgpu.sumRows|${square ? 'sq' : 'plain'}`, Infinity);
    const program = backend.program(shape.key, () => rowSumSpec(shape, square));
    backend.dispatch(program, [x, target], { rows: outer * chunks, n, chunk }, linearGrid(outer * chunks, 1));
    if (chunks > 1) finish(backend, target, out, outer, chunks, 1);
    return;
  }
  const columns = outer * inner;
  const chunks =
    columns < 16384 && n > 2 * COL_CHUNK ? Math.min(Math.ceil(n / COL_CHUNK), Math.ceil(65536 / columns)) : 1;
  const chunk = Math.max(1, Math.ceil(n / chunks));
  const target = chunks > 1 ? scratchView(backend, columns * chunks) : out;
  const program = backend.program(`webgpu.sumColumns|${square ? 'sq' : 'plain'}`, () => colSumSpec(square));
  backend.dispatch(program, [x, target], { outer, n, inner, chunk, chunks }, linearGrid(columns * chunks, COL_WG));
  if (chunks > 1) finish(backend, target, out, outer, chunks, inner);
}

function scratchView(backend: WebGpuBackend, elements: number): BufferView {
  return { buffer: backend.scratch(elements * 4), offset: 0, span: elements };
}

function finish(backend: WebGpuBackend, partial: BufferView, out: BufferView, outer: number, n: number, inner: number) {
  sumAxis(backend, partial, out, outer, n, inner);
  backend.free(partial.buffer);
}
