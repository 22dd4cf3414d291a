/**
 * Kernels that give each row of the last axis one workgroup (softmax, norms, cross-entropy):
 * threads stride over the row and combine their partial results with a shared-memory tree.
 * The workgroup size follows the row length (64 threads up to 512 elements, else 256), and is
 * part of the pipeline key.
 */
import { entry, LINEAR_GROUP, linearGrid } from '../shader/grid.js';

export function rowWorkgroup(n: number): number {
  return n <= 512 ? 64 : 256;
}

/** Workgroups for `rows` rows, one each. */
export function rowGrid(rows: number): [number, number] {
  return linearGrid(rows, 1);
}

/**
 * WGSL: `wg_sum(v, lix)` and `wg_max(v, lix)` over the workgroup (every thread must call them),
 * and the entry point with `row`, the linear workgroup number. `main` returns early only for
 * whole workgroups past `u.rows` (unless `guardRows` is false: single-workgroup kernels), so the
 * barriers stay in uniform control flow.
 */
export function rowKernel(wg: number, body: string, guardRows = true): string {
  return /* wgsl */ `
var<workgroup> red: array<f32, ${wg}>;
fn wg_reduce(v: f32, lix: u32, is_max: bool) -> f32 {
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
}
fn wg_sum(v: f32, lix: u32) -> f32 { return wg_reduce(v, lix, false); }
fn wg_max(v: f32, lix: u32) -> f32 { return wg_reduce(v, lix, true); }
${entry(wg)} {
  let row = ${LINEAR_GROUP};
  ${guardRows ? 'if (row >= u.rows) { return; }' : ''}
  ${body}
}`;
}
