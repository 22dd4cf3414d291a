/**
 * The NF4 kernels on WebGPU. `weightElement(i)` decodes element i of the flattened quantized
 * weight (code[nibble i] * scale of its block; the scale the f32 absmax, or with double
 * quantization nestedCode[absmax_u8] * nestedAbsmax + offset, as the CPU computes it). The matmul
 * stages x and a decoded tile of op(W) in shared memory per step along K, so the weight is
 * dequantized tile by tile and never written out in full precision; each thread keeps a TM x TN
 * block of the output.
 */
import type { Nf4DequantizeAttrs } from '../../../kernels/quant.js';
import { entry, linearGrid, linearThread } from '../shader/grid.js';
import { type BindingDecl, f32, f32In, f32Out, type ShaderSpec, u32, wordsIn } from '../shader/spec.js';
import type { BufferView, WebGpuBackend } from '../webgpu-backend.js';
import { readers } from './codecs.js';
import { tileEntry } from './matmul.js';

/** The quantized weight's tensors, as views, in the definition's input order. */
export interface Nf4Views {
  weight: BufferView;
  code: BufferView;
  absmax: BufferView;
  nestedAbsmax?: BufferView;
  nestedCode?: BufferView;
}

function quantizedBindings(nested: boolean): BindingDecl[] {
  const base = [wordsIn('w', 'u8'), f32In('code')];
  return nested
    ? [...base, wordsIn('absmax', 'u8'), f32In('nested_absmax'), f32In('nested_code')]
    : [...base, f32In('absmax')];
}

const QUANT_UNIFORMS = [u32('blocksize'), u32('nestedBlocksize'), f32('offset')];

function quantizedViews(v: Nf4Views): BufferView[] {
  return v.nestedAbsmax ? [v.weight, v.code, v.absmax, v.nestedAbsmax, v.nestedCode!] : [v.weight, v.code, v.absmax];
}

function quantUniforms(a: Pick<Nf4DequantizeAttrs, 'blocksize' | 'nestedBlocksize' | 'nestedOffset'>) {
  return { blocksize: a.blocksize, nestedBlocksize: a.nestedBlocksize || 1, offset: a.nestedOffset };
}

/** WGSL: `weight_element(i)` of the flattened weight. */
function decoder(nested: boolean): string {
  const scale = nested
    ? '(nested_code[u.nested_code_o + absmax_bits(b)] * nested_absmax[u.nested_absmax_o + b / u.nestedBlocksize]) + u.offset'
    : 'absmax[u.absmax_o + b]';
  return /* wgsl */ `
${readers('w', 'u8')}
${nested ? readers('absmax', 'u8') : ''}
fn weight_element(i: u32) -> f32 {
  let byte = w_bits(i >> 1u);
  let nibble = select(byte & 15u, byte >> 4u, (i & 1u) == 0u);
  let b = i / u.blocksize;
  let scale = ${scale};
  return code[u.code_o + nibble] * scale;
}`;
}

const TILE = { bm: 32, bn: 32, bk: 16, tm: 4, tn: 4 } as const;

function matmulSpec(key: string, wT: boolean, nested: boolean): ShaderSpec {
  const { bm, bn, bk, tm, tn } = TILE;
  const tx = bn / tn;
  const threads = (bm / tm) * tx;
  // op(W)[k, j]: W is [N, K] (wT, a Linear's forward) or [K, N] (its input gradient).
  const flat = wT ? '(gn * u.K + gk)' : '(gk * u.N + gn)';
  const stage = (count: number) => Math.ceil(count / threads);
  return {
    key,
    bindings: [f32In('x'), ...quantizedBindings(nested), f32Out('y')],
    uniforms: [u32('M'), u32('N'), u32('K'), ...QUANT_UNIFORMS],
    code: /* wgsl */ `
${decoder(nested)}
var<workgroup> Xs: array<f32, ${bk * bm}>;
var<workgroup> Ws: array<f32, ${bk * bn}>;
${tileEntry(threads, tx, bm, bn)}
  var acc: array<array<f32, ${tn}>, ${tm}>;
  for (var k0 = 0u; k0 < u.K; k0 += ${bk}u) {
    for (var s = 0u; s < ${stage(bk * bm)}u; s++) {
      let idx = lix + s * ${threads}u;
      if (idx < ${bk * bm}u) {
        let r = idx / ${bk}u;
        let k = idx % ${bk}u;
        let gm = tile_m + r;
        let gk = k0 + k;
        var v = 0.0;
        if (gm < u.M && gk < u.K) { v = x[u.x_o + gm * u.K + gk]; }
        Xs[k * ${bm}u + r] = v;
      }
    }
    for (var s = 0u; s < ${stage(bk * bn)}u; s++) {
      let idx = lix + s * ${threads}u;
      if (idx < ${bk * bn}u) {
        let c = idx ${wT ? `/ ${bk}u` : `% ${bn}u`};
        let k = idx ${wT ? `% ${bk}u` : `/ ${bn}u`};
        let gn = tile_n + c;
        let gk = k0 + k;
        var v = 0.0;
        if (gn < u.N && gk < u.K) { v = weight_element(${flat}); }
        Ws[k * ${bn}u + c] = v;
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${bk}u; kk++) {
      for (var i = 0u; i < ${tm}u; i++) {
        let a = Xs[kk * ${bm}u + ty * ${tm}u + i];
        for (var j = 0u; j < ${tn}u; j++) {
          acc[i][j] = fma(a, Ws[kk * ${bn}u + tx * ${tn}u + j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${tm}u; i++) {
    let row = tile_m + ty * ${tm}u + i;
    for (var j = 0u; j < ${tn}u; j++) {
      let col = tile_n + tx * ${tn}u + j;
      if (row < u.M && col < u.N) { y[u.y_o + row * u.N + col] = acc[i][j]; }
    }
  }
}`,
  };
}

export interface Nf4MatmulDispatch extends Pick<Nf4DequantizeAttrs, 'blocksize' | 'nestedBlocksize' | 'nestedOffset'> {
  x: BufferView;
  quantized: Nf4Views;
  y: BufferView;
  m: number;
  n: number;
  k: number;
  /** op(W) = W^T (W stored [n, k]); else W (stored [k, n]). */
  wT: boolean;
}

export function runNf4Matmul(backend: WebGpuBackend, d: Nf4MatmulDispatch): void {
  if (d.m === 0 || d.n === 0) return;
  const nested = d.quantized.nestedAbsmax !== undefined;
  const key = `Nf4Matmul{transposed=${!d.wT}}|${nested ? 'nested' : 'plain'}`;
  const program = backend.program(key, () => matmulSpec(key, d.wT, nested));
  backend.dispatch(
    program,
    [d.x, ...quantizedViews(d.quantized), d.y],
    { M: d.m, N: d.n, K: d.k, ...quantUniforms(d) },
    [Math.ceil(d.n / TILE.bn), Math.ceil(d.m / TILE.bm)],
  );
}

const THREADS = 256;

/** The f32 weight, one thread per element. */
export function runNf4Dequantize(backend: WebGpuBackend, q: Nf4Views, out: BufferView, a: Nf4DequantizeAttrs): void {
  const n = a.outFeatures * a.inFeatures;
  const nested = q.nestedAbsmax !== undefined;
  const key = `Nf4Dequantize|${nested ? 'nested' : 'plain'}`;
  const program = backend.program(key, () => ({
    key,
    bindings: [...quantizedBindings(nested), f32Out('y')],
    uniforms: [u32('count'), ...QUANT_UNIFORMS],
    code: /* wgsl */ `
${decoder(nested)}
${entry(THREADS)} {
  let i = ${linearThread(THREADS)};
  if (i >= u.count) { return; }
  y[u.y_o + i] = weight_element(i);
}`,
  }));
  backend.dispatch(program, [...quantizedViews(q), out], { count: n, ...quantUniforms(a) }, linearGrid(n, THREADS));
}
