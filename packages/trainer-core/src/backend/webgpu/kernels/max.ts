/**
 * Max over an axis with the index of the first maximum; a NaN wins (the first NaN), as on the
 * CPU. The last axis gets one workgroup per row; other axes one thread per output element.
 */
import { Max } from '../../../kernels/reduce.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { rowGrid } from '../programs/rows.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { entry, LINEAR_GROUP, linearGrid, linearThread } from '../shader/grid.js';
import { f32In, f32Out, i32Out, u32 } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

const WG = 64;

/** Whether candidate (v, j) beats (best, arg): NaN first, then larger, then the smaller index. */
const BETTER = /* wgsl */ `
fn better(v: f32, j: u32, best: f32, arg: u32) -> bool {
  let vn = is_nan(v);
  let bn = is_nan(best);
  if (vn != bn) { return vn; }
  if (vn || v == best) { return j < arg; }
  return v > best;
}`;

const ROWS = /* wgsl */ `${BETTER}
var<workgroup> vals: array<f32, ${WG}>;
var<workgroup> args: array<u32, ${WG}>;
${entry(WG)} {
  let row = ${LINEAR_GROUP};
  if (row >= u.outer) { return; }
  let xb = u.x_o + row * u.n;
  var best = x[xb];
  var arg = 0u;
  for (var j = lix; j < u.n; j += ${WG}u) {
    let v = x[xb + j];
    if (better(v, j, best, arg)) { best = v; arg = j; }
  }
  vals[lix] = best;
  args[lix] = arg;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (lix < s && better(vals[lix + s], args[lix + s], vals[lix], args[lix])) {
      vals[lix] = vals[lix + s];
      args[lix] = args[lix + s];
    }
    workgroupBarrier();
  }
  if (lix == 0u) {
    values[u.values_o + row] = vals[0];
    indices[u.indices_o + row] = i32(args[0]);
  }
}`;

const COLUMNS = /* wgsl */ `${BETTER}
${entry(WG)} {
  let t = ${linearThread(WG)};
  if (t >= u.outer * u.inner) { return; }
  let i = t % u.inner;
  let xb = u.x_o + (t / u.inner) * u.n * u.inner + i;
  var best = x[xb];
  var arg = 0u;
  for (var j = 1u; j < u.n; j++) {
    let v = x[xb + j * u.inner];
    if (better(v, j, best, arg)) { best = v; arg = j; }
  }
  values[u.values_o + t] = best;
  indices[u.indices_o + t] = i32(arg);
}`;

registerWebGpuKernel(Max, ({ backend, inputs: [x], outputs: [values, indices], attrs }) => {
  const { outer, n, inner } = aroundAxis(x!.shape, attrs.axis);
  if (outer * inner === 0) return;
  const rows = inner === 1;
  const key = `Max|${rows ? 'rows' : 'columns'}`;
  const program = backend.program(key, () => ({
    key,
    bindings: [f32In('x'), f32Out('values'), i32Out('indices')],
    uniforms: [u32('outer'), u32('n'), u32('inner')],
    code: rows ? ROWS : COLUMNS,
  }));
  backend.dispatch(
    program,
    [x!, values!, indices!].map(tensorView),
    { outer, n, inner },
    rows ? rowGrid(outer) : linearGrid(outer * inner, WG),
  );
});
