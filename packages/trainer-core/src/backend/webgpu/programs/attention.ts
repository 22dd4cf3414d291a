/**
 * Fused attention, flash style: no [Tq, Tk] matrix ever exists in memory.
 *
 * Forward: a workgroup takes BR query rows of one (batch, head), one thread per row, and walks
 * the keys those rows can see in tiles of BC keys staged in shared memory; each thread keeps its
 * query row, its output accumulator and the running max and sum (online softmax, one rescale per
 * tile). Backward, in two kernels without atomics: (1) per query row, dq and D = dout . out;
 * (2) per key row of a key/value head, dk and dv summed over every query head of its group (GQA)
 * and every query that sees the key, with query tiles staged in shared memory.
 *
 * Rows are padded to a head-dim bucket (16..256) so the per-row arrays have constant size and the
 * dot products unroll; the padding is zeros. Masking follows kernels/shapes/attention-dims.ts:
 * causal bottom-right aligned, an optional sliding window, an optional [B, Tk] key mask. Scores
 * of hidden keys are never exponentiated (no -inf arithmetic, which shader compilers may fold).
 */
import type { AttentionDims } from '../../../kernels/shapes/attention-dims.js';
import { f32, u32 } from '../shader/spec.js';

/** Query (forward) or key (backward) rows per workgroup: one thread each. */
export const ROWS = 32;

const BUCKETS = [16, 32, 64, 128, 256];

export function headDimBucket(headDim: number): number {
  const b = BUCKETS.find((x) => x >= headDim);
  if (b === undefined) throw new RangeError(`Attention: webgpu kernels take head dims up to 256, got ${headDim}`);
  return b;
}

/**
 * Keys (or queries) per shared-memory tile: two tiles of BC rows of `bucket` f32, plus two f32 per
 * row (the backward's lse and D), stay within the 16 KiB every adapter offers.
 */
export function tileRows(bucket: number): number {
  return Math.min(32, Math.floor(2048 / (bucket + 1)));
}

export const ATTENTION_UNIFORMS = [
  ...['batch', 'heads', 'kvHeads', 'tq', 'tk', 'headDim', 'window', 'group'].map(u32),
  f32('scale'),
];

export function attentionValues(d: AttentionDims) {
  return {
    batch: d.batch,
    heads: d.heads,
    kvHeads: d.kvHeads,
    tq: d.tq,
    tk: d.tk,
    headDim: d.headDim,
    window: d.window,
    group: d.heads / d.kvHeads,
    scale: d.scale,
  };
}

/** WGSL: `visible(b, i, j)`, whether query row i sees key j (causal, window, key mask). */
export function visibility(causal: boolean, mask: boolean): string {
  const rules: string[] = [];
  if (causal) {
    rules.push(
      'let pos = i32(i) + i32(u.tk) - i32(u.tq);',
      'if (i32(j) > pos) { return false; }',
      'if (u.window > 0u && i32(j) + i32(u.window) <= pos) { return false; }',
    );
  }
  if (mask) rules.push('if (mask[u.mask_o + b * u.tk + j] == 0) { return false; }');
  return /* wgsl */ `
fn visible(b: u32, i: u32, j: u32) -> bool {
  ${rules.join('\n  ')}
  return true;
}
// Keys query rows [i0, i1) can see at most: [first, last).
fn key_span(i0: u32, i1: u32) -> vec2<u32> {
  ${
    causal
      ? `let last = clamp(i32(i1) - 1 + i32(u.tk) - i32(u.tq) + 1, 0, i32(u.tk));
  var first = 0;
  if (u.window > 0u) { first = clamp(i32(i0) + i32(u.tk) - i32(u.tq) - i32(u.window) + 1, 0, last); }
  return vec2<u32>(u32(first), u32(last));`
      : 'return vec2<u32>(0u, u.tk);'
  }
}
// Queries that can see keys [j0, j1) at most: [first, last).
fn query_span(j0: u32, j1: u32) -> vec2<u32> {
  ${
    causal
      ? `let first = clamp(i32(j0) - i32(u.tk) + i32(u.tq), 0, i32(u.tq));
  var last = i32(u.tq);
  if (u.window > 0u) { last = clamp(i32(j1) - 1 + i32(u.window) - i32(u.tk) + i32(u.tq), first, i32(u.tq)); }
  return vec2<u32>(u32(first), u32(last));`
      : 'return vec2<u32>(0u, u.tq);'
  }
}`;
}

/** Index of element c of q/out/dq row (b, i, h), and of k/v row (b, j, kh). */
export const INDEXING = /* wgsl */ `
fn q_index(b: u32, i: u32, h: u32) -> u32 { return ((b * u.tq + i) * u.heads + h) * u.headDim; }
fn k_index(b: u32, j: u32, kh: u32) -> u32 { return ((b * u.tk + j) * u.kvHeads + kh) * u.headDim; }
fn lse_index(b: u32, h: u32, i: u32) -> u32 { return (b * u.heads + h) * u.tq + i; }`;

/** WGSL statements staging `rows` rows of a [.., headDim] tensor into shared `dst` (zeros past the end). */
export function stageRows(
  dst: string,
  src: string,
  index: (row: string) => string,
  first: string,
  limit: string,
  tile: number,
  bucket: number,
): string {
  return /* wgsl */ `for (var e = lix; e < ${tile * bucket}u; e += ${ROWS}u) {
      let rr = e / ${bucket}u;
      let cc = e % ${bucket}u;
      let row = ${first} + rr;
      var staged = 0.0;
      if (row < ${limit} && cc < u.headDim) { staged = ${src}[u.${src}_o + ${index('row')} + cc]; }
      ${dst}[e] = staged;
    }`;
}

/**
 * WGSL up to the first statement of a kernel with one thread per query row (forward and dq): the
 * helpers, the shared key/value tiles `ks`/`vs`, and `b`, `h`, `kh` (its key/value head), `i0`
 * (the workgroup's first row) and `i` (this thread's row).
 */
export function queryRowKernelHead(causal: boolean, mask: boolean, bucket: number): string {
  const bc = tileRows(bucket);
  return /* wgsl */ `${INDEXING}
${visibility(causal, mask)}
var<workgroup> ks: array<f32, ${bc * bucket}>;
var<workgroup> vs: array<f32, ${bc * bucket}>;
@compute @workgroup_size(${ROWS})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lix: u32) {
  let bh = wid.y;
  let b = bh / u.heads;
  let h = bh % u.heads;
  let kh = h / u.group;
  let i0 = wid.x * ${ROWS}u;
  let i = i0 + lix;`;
}

/** WGSL statements staging the key/value tile of keys [j0, j0 + BC) into `ks` / `vs`. */
export function stageKeyValueTile(bucket: number): string {
  const bc = tileRows(bucket);
  return `${stageRows('ks', 'k', (r) => `k_index(b, ${r}, kh)`, 'j0', 'u.tk', bc, bucket)}
    ${stageRows('vs', 'v', (r) => `k_index(b, ${r}, kh)`, 'j0', 'u.tk', bc, bucket)}`;
}
