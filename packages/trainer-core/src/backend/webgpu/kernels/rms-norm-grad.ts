/**
 * With w' = w + offset and r = rstd: dx = r w' dy - x r^3 / n * sum(w' dy x) per row (one
 * workgroup each), dw = sum over rows of dy x r (column sums).
 */
import { RmsNormGrad } from '../../../kernels/norm.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { columnSums } from '../programs/column-sums.js';
import { rowEnables, rowGrid, rowKernel, rowShape } from '../programs/rows.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32, f32In, f32Out, u32 } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(RmsNormGrad, ({ backend, inputs: [x, w, rstd, dy], outputs: [dx, dw], attrs }) => {
  const { rows, n } = lastAxisRows(x!.shape);
  if (n === 0) return;
  const shape = rowShape(backend, 'RmsNormGrad', n);
  const wg = shape.wg;
  const program = backend.program(shape.key, () => ({
    key: shape.key,
    enables: rowEnables(shape),
    bindings: [f32In('x'), f32In('w'), f32In('rstd'), f32In('dy'), f32Out('dx')],
    uniforms: [u32('rows'), u32('n'), f32('offset')],
    code: rowKernel(
      shape,
      /* wgsl */ `
  let xb = u.x_o + row * u.n;
  let db = u.dy_o + row * u.n;
  let rs = rstd[u.rstd_o + row];
  var dot = 0.0;
  for (var j = lix; j < u.n; j += ${wg}u) { dot += (w[u.w_o + j] + u.offset) * dy[db + j] * x[xb + j]; }
  dot = wg_sum(dot, lix);
  let c = dot * rs * rs * rs / f32(u.n);
  for (var j = lix; j < u.n; j += ${wg}u) {
    dx[u.dx_o + row * u.n + j] = rs * (w[u.w_o + j] + u.offset) * dy[db + j] - c * x[xb + j];
  }`,
    ),
  }));
  const [xv, rv, dyv] = [tensorView(x!), tensorView(rstd!), tensorView(dy!)];
  if (rows > 0) {
    backend.dispatch(
      program,
      [xv, tensorView(w!), rv, dyv, tensorView(dx!)],
      { rows, n, offset: attrs.weightOffset },
      rowGrid(rows),
    );
  }
  columnSums(backend, {
    key: 'RmsNormGrad.dw',
    rows,
    n,
    inputs: [
      [f32In('x'), xv],
      [f32In('rstd'), rv],
      [f32In('dy'), dyv],
    ],
    outputs: [tensorView(dw!)],
    exprs: ['dy[u.dy_o + r * u.n + j] * x[u.x_o + r * u.n + j] * rstd[u.rstd_o + r]'],
  });
});
