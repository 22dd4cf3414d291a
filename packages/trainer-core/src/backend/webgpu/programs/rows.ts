/**
 * Kernels that give each row of the last axis one workgroup (softmax, norms, cross-entropy, long
 * sums): threads stride over the row and combine their partial results with `wg_sum` / `wg_max`.
 * The workgroup size follows the row length (64 threads up to 512 elements, else 256). With the
 * `subgroups` feature a reduction is one subgroup operation plus one shared-memory pass over the
 * subgroups' results; without it, a shared-memory tree. Both choices are part of the key.
 */
import { entry, LINEAR_GROUP, linearGrid } from '../shader/grid.js';
import type { ShaderSpec } from '../shader/spec.js';
import type { WebGpuBackend } from '../webgpu-backend.js';

export interface RowShape {
  readonly key: string;
  readonly wg: number;
  readonly subgroups: boolean;
}

/** The shape of a row kernel for rows of `n` elements (Infinity: a single-workgroup kernel). */
export function rowShape(backend: WebGpuBackend, base: string, n: number): RowShape {
  const wg = n <= 512 ? 64 : 256;
  const subgroups = backend.features.subgroups;
  return { key: `${base}|wg${wg}${subgroups ? '|sg' : ''}`, wg, subgroups };
}

/** Workgroups for `rows` rows, one each. */
export function rowGrid(rows: number): [number, number] {
  return linearGrid(rows, 1);
}

export function rowEnables(shape: RowShape): ShaderSpec['enables'] {
  return shape.subgroups ? ['subgroups'] : [];
}

// Each reduction starts with a barrier too: without it Mesa's lavapipe let a second reduction in
// one kernel (LayerNorm's mean, then variance) overwrite \`red\` before every thread had read the
// first one's result, although the first ends with a barrier (rows longer than 8 came out wrong).
const TREE = (wg: number) => /* wgsl */ `
var<workgroup> red: array<f32, ${wg}>;
fn wg_reduce(v: f32, lix: u32, is_max: bool) -> f32 {
  workgroupBarrier();
  red[lix] = v;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lix < s) {
      let o = red[lix + s];
      red[lix] = select(red[lix] + o, max(red[lix], o), is_max);
    }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}`;

// Subgroups are taken as runs of consecutive invocation indices, as every compute driver forms them.
const SUBGROUPS = (wg: number) => /* wgsl */ `
var<workgroup> red: array<f32, ${wg}>;
var<private> sg_lane: u32;
var<private> sg_size: u32;
fn wg_reduce(v: f32, lix: u32, is_max: bool) -> f32 {
  workgroupBarrier();
  var s: f32;
  if (is_max) { s = subgroupMax(v); } else { s = subgroupAdd(v); }
  if (sg_lane == 0u) { red[lix / sg_size] = s; }
  workgroupBarrier();
  var r = red[0];
  for (var i = 1u; i < (${wg}u + sg_size - 1u) / sg_size; i++) { r = select(r + red[i], max(r, red[i]), is_max); }
  workgroupBarrier();
  return r;
}`;

/**
 * WGSL: `wg_sum(v, lix)` and `wg_max(v, lix)` over the workgroup (every thread must call them),
 * and the entry point with `row`, the linear workgroup number. `main` returns early only for
 * whole workgroups past `u.rows` (unless `guardRows` is false: single-workgroup kernels), so the
 * barriers stay in uniform control flow.
 */
export function rowKernel(shape: RowShape, body: string, guardRows = true): string {
  const { wg, subgroups } = shape;
  const signature = subgroups
    ? entry(wg).replace(
        'lix: u32)',
        'lix: u32, @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) lanes: u32)',
      )
    : entry(wg);
  return /* wgsl */ `${subgroups ? SUBGROUPS(wg) : TREE(wg)}
fn wg_sum(v: f32, lix: u32) -> f32 { return wg_reduce(v, lix, false); }
fn wg_max(v: f32, lix: u32) -> f32 { return wg_reduce(v, lix, true); }
${signature} {
  ${subgroups ? 'sg_lane = lane;\n  sg_size = lanes;' : ''}
  let row = ${LINEAR_GROUP};
  ${guardRows ? 'if (row >= u.rows) { return; }' : ''}
  ${body}
}`;
}

/**
 * WGSL statements leaving `m`, the maximum of `src[base + j]` over j < n, and `s`, the sum of
 * exp(src[base + j] - m): the statistics of a softmax row (every thread of the row calls them).
 */
export function rowMaxAndSumExp(wg: number, src: string, base: string, n: string): string {
  return /* wgsl */ `var m = neg_inf_f32();
  for (var j = lix; j < ${n}; j += ${wg}u) { m = max(m, ${src}[${base} + j]); }
  m = wg_max(m, lix);
  var s = 0.0;
  for (var j = lix; j < ${n}; j += ${wg}u) { s += exp(${src}[${base} + j] - m); }
  s = wg_sum(s, lix);`;
}
