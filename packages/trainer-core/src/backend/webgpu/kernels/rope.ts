/**
 * Rotary position embedding (Hugging Face rotate_half), one thread per rotated pair. inv_freq
 * comes from the host exactly as the CPU computes it (torch's f32 formula, RoPE scaling
 * included), uploaded once per (theta, head dim, scaling); the angle is the f32 product position * inv_freq, and its sine and cosine
 * come from shader/lib.ts's sincos_f, accurate for the large angles of long positions.
 */
import { Rope } from '../../../kernels/rope.js';
import { type RopeScaling, ropeInvFreq, ropeScalingKey } from '../../../kernels/shapes/rope-frequencies.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import type { GpuBuffer } from '../runtime/buffer-pool.js';
import { entry, linearGrid, linearThread } from '../shader/grid.js';
import { f32In, f32Out, i32, i32In, u32 } from '../shader/spec.js';
import { tensorView, type WebGpuBackend } from '../webgpu-backend.js';

const WG = 256;

const tables = new WeakMap<WebGpuBackend, Map<string, GpuBuffer>>();

function invFreqTable(backend: WebGpuBackend, theta: number, dim: number, scaling: RopeScaling): GpuBuffer {
  let byKey = tables.get(backend);
  if (!byKey) {
    byKey = new Map();
    tables.set(backend, byKey);
  }
  const key = `${theta}:${dim}:${ropeScalingKey(scaling)}`;
  let table = byKey.get(key);
  if (!table) {
    table = backend.allocate('f32', dim / 2);
    backend.upload(table, 'f32', Float32Array.from(ropeInvFreq(theta, dim, scaling)));
    byKey.set(key, table);
  }
  return table;
}

const code = (positions: boolean) => /* wgsl */ `
${entry(WG)} {
  let t = ${linearThread(WG)};
  if (t >= u.pairs) { return; }
  let i = t % u.half;
  let row = t / u.half;
  let bt = row / u.heads;
  let pos = ${positions ? 'pos[u.pos_o + bt]' : 'u.offset + i32(bt % u.seq)'};
  // As the CPU: the angle of |pos|, its sine negated for negative positions (and the inverse).
  let sc = sincos_f(f32(abs(pos)) * inv_freq[u.inv_freq_o + i]);
  let sign = select(1.0, -1.0, (pos < 0) != (u.inverse != 0u));
  let base = row * u.dim;
  let x1 = x[u.x_o + base + i];
  let x2 = x[u.x_o + base + u.half + i];
  let s = sign * sc.x;
  y[u.y_o + base + i] = x1 * sc.y - x2 * s;
  y[u.y_o + base + u.half + i] = x2 * sc.y + x1 * s;
}`;

registerWebGpuKernel(Rope, ({ backend, inputs: [x, positions], outputs: [y], attrs }) => {
  const [, seq, heads, dim] = x!.shape as [number, number, number, number];
  const pairs = x!.size / 2;
  if (pairs === 0) return;
  const withPositions = positions !== undefined;
  const key = `Rope|${withPositions ? 'positions' : 'offset'}`;
  const program = backend.program(key, () => ({
    key,
    bindings: [f32In('x'), f32In('inv_freq'), ...(withPositions ? [i32In('pos')] : []), f32Out('y')],
    uniforms: [u32('pairs'), u32('half'), u32('heads'), u32('seq'), u32('dim'), i32('offset'), u32('inverse')],
    code: code(withPositions),
  }));
  const table = { buffer: invFreqTable(backend, attrs.theta, dim, attrs.scaling), offset: 0, span: dim / 2 };
  backend.dispatch(
    program,
    [tensorView(x!), table, ...(withPositions ? [tensorView(positions)] : []), tensorView(y!)],
    { pairs, half: dim / 2, heads, seq, dim, offset: attrs.positionOffset, inverse: attrs.inverse ? 1 : 0 },
    linearGrid(pairs, WG),
  );
});
