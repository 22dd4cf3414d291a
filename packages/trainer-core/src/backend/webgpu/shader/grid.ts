/**
 * Dispatch grids for kernels indexed by one linear thread or workgroup number. A dimension holds
 * at most 65535 workgroups, so large counts spill into y; the shader folds the two back with
 * `linear_index` / `linear_group`.
 */

/** Workgroups for `items` work items handled `perGroup` at a time, as [x, y]. */
export function linearGrid(items: number, perGroup: number, maxPerDim = 65535): [number, number] {
  const groups = Math.ceil(items / perGroup);
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}

/** Entry point signature of a kernel with a 1-D workgroup of `size` threads. */
export function entry(size: number): string {
  return `@compute @workgroup_size(${size})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lix: u32)`;
}

/** WGSL expressions, valid inside `entry`'s main: the linear workgroup and thread numbers. */
export const LINEAR_GROUP = '(wid.y * nwg.x + wid.x)';
export function linearThread(size: number): string {
  return `(${LINEAR_GROUP} * ${size}u + lix)`;
}
