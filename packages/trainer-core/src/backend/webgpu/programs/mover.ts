/**
 * The kernel behind Copy, Cast, Fill, Concat, Gather and Assign for every dtype: each thread
 * writes one whole 32-bit word of the output, so 8- and 16-bit elements never race, and words the
 * output shares with other data (an Assign into a slice, one part of a Concat) keep their other
 * bytes. The kernel supplies `src_bits(k)`, the bits of logical element k of what it writes.
 */
import { bytesPerElement, type DType } from '../../../tensor/dtype.js';
import type { GpuKernelArgs } from '../register-kernel.js';
import type { UniformValues } from '../runtime/uniform-arena.js';
import { entry, linearGrid, linearThread } from '../shader/grid.js';
import { type BindingDecl, type ShaderSpec, type UniformDecl, u32, wordsOut } from '../shader/spec.js';
import type { BufferView, WebGpuBackend } from '../webgpu-backend.js';
import { perWord } from './codecs.js';

const WG = 256;

/** Where the logical elements go: [0, count) from the view's offset, or one part of a concatenation. */
export type MoveTarget = 'contiguous' | 'concat';

export interface MoveProgram {
  readonly key: string;
  readonly dtype: DType;
  readonly target: MoveTarget;
  readonly sources: readonly BindingDecl[];
  readonly uniforms: readonly UniformDecl[];
  /** WGSL defining `fn src_bits(k: u32) -> u32` (and any helpers). */
  readonly source: string;
}

const DST_LOCAL: Record<MoveTarget, string> = {
  contiguous: /* wgsl */ `
fn dst_local(g: u32) -> i32 {
  if (g < u.y_o || g >= u.y_o + u.count) { return -1; }
  return i32(g - u.y_o);
}`,
  // y as [outer, total, inner]; this part fills [start, start + n) of the middle axis.
  concat: /* wgsl */ `
fn dst_local(g: u32) -> i32 {
  if (g < u.y_o) { return -1; }
  let r = g - u.y_o;
  let a = (r / u.inner) % u.total;
  let o = r / (u.inner * u.total);
  if (a < u.start || a >= u.start + u.n || o >= u.outer) { return -1; }
  return i32((o * u.n + a - u.start) * u.inner + r % u.inner);
}`,
};

function moverSpec(p: MoveProgram): ShaderSpec {
  const per = perWord(p.dtype);
  const bits = bytesPerElement(p.dtype) * 8;
  const mask = per === 1 ? '0xffffffffu' : `${(2 ** bits - 1).toString()}u`;
  const targetUniforms = p.target === 'concat' ? ['inner', 'total', 'start', 'n', 'outer'].map(u32) : [u32('count')];
  // Words start at the one holding element `first` of the target (a concat part's first element).
  const body =
    per === 1
      ? `let k = dst_local(w);
  if (k >= 0) { y[w] = src_bits(u32(k)); }`
      : `var word = 0u;
  var written = 0u;
  for (var e = 0u; e < ${per}u; e++) {
    let k = dst_local(w * ${per}u + e);
    if (k >= 0) {
      word |= (src_bits(u32(k)) & ${mask}) << (e * ${bits}u);
      written |= ${mask} << (e * ${bits}u);
    }
  }
  if (written != 0u) {
    if (written != 0xffffffffu) { word |= y[w] & ~written; }
    y[w] = word;
  }`;
  return {
    key: p.key,
    bindings: [...p.sources, wordsOut('y', p.dtype)],
    uniforms: [...p.uniforms, ...targetUniforms, u32('words'), u32('first')],
    code: /* wgsl */ `${DST_LOCAL[p.target]}
${p.source}
${entry(WG)} {
  let t = ${linearThread(WG)};
  if (t >= u.words) { return; }
  let w = (u.y_o + u.first) / ${per}u + t;
  ${body}
}`,
  };
}

export interface MoveCall {
  readonly sources: readonly BufferView[];
  readonly target: BufferView;
  /** Where the written elements start, counted from the target's offset (default 0). */
  readonly first?: number;
  /** Elements of the target the move spans from `first` (count, or the concat part's extent). */
  readonly extent: number;
  readonly uniforms: UniformValues;
}

export function runMove(backend: WebGpuBackend, p: MoveProgram, call: MoveCall): void {
  if (call.extent === 0) return;
  const per = perWord(p.dtype);
  const first = call.first ?? 0;
  const words = Math.ceil((((call.target.offset + first) % per) + call.extent) / per);
  const program = backend.program(p.key, () => moverSpec(p));
  backend.dispatch(program, [...call.sources, call.target], { ...call.uniforms, words, first }, linearGrid(words, WG));
}

/** Output 0 of a kernel as a move target. */
export function outputTarget({ outputs: [y] }: GpuKernelArgs<unknown>): BufferView {
  return { buffer: y!.handle as BufferView['buffer'], offset: y!.offset, span: y!.size };
}
