/**
 * dx = rstd (g - mean(g) - xhat mean(g xhat)) with g = dy w, per row; dw = sum dy xhat and
 * db = sum dy over rows (column sums).
 */
import { LayerNormGrad } from '../../../kernels/norm.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { columnSums } from '../programs/column-sums.js';
import { rowEnables, rowGrid, rowKernel, rowShape } from '../programs/rows.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32In, f32Out, u32 } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(LayerNormGrad, ({ backend, inputs: [x, w, mean, rstd, dy], outputs: [dx, dw, db] }) => {
  const { rows, n } = lastAxisRows(x!.shape);
  if (n === 0) return;
  const shape = rowShape(backend, 'LayerNormGrad', n);
  const wg = shape.wg;
  const program = backend.program(shape.key, () => ({
    key: shape.key,
    enables: rowEnables(shape),
    bindings: [f32In('x'), f32In('w'), f32In('mean'), f32In('rstd'), f32In('dy'), f32Out('dx')],
    uniforms: [u32('rows'), u32('n')],
    code: rowKernel(
      shape,
      /* wgsl */ `
  let xb = u.x_o + row * u.n;
  let gb = u.dy_o + row * u.n;
  let mu = mean[u.mean_o + row];
  let rs = rstd[u.rstd_o + row];
  var sg = 0.0;
  var sgx = 0.0;
  for (var j = lix; j < u.n; j += ${wg}u) {
    let g = dy[gb + j] * w[u.w_o + j];
    sg += g;
    sgx += g * (x[xb + j] - mu) * rs;
  }
  sg = wg_sum(sg, lix) / f32(u.n);
  sgx = wg_sum(sgx, lix) / f32(u.n);
  for (var j = lix; j < u.n; j += ${wg}u) {
    let xhat = (x[xb + j] - mu) * rs;
    dx[u.dx_o + row * u.n + j] = rs * (dy[gb + j] * w[u.w_o + j] - sg - xhat * sgx);
  }`,
    ),
  }));
  const [xv, mv, rv, dyv] = [tensorView(x!), tensorView(mean!), tensorView(rstd!), tensorView(dy!)];
  if (rows > 0)
    backend.dispatch(program, [xv, tensorView(w!), mv, rv, dyv, tensorView(dx!)], { rows, n }, rowGrid(rows));
  columnSums(backend, {
    key: 'LayerNormGrad.dwdb',
    rows,
    n,
    inputs: [
      [f32In('x'), xv],
      [f32In('mean'), mv],
      [f32In('rstd'), rv],
      [f32In('dy'), dyv],
    ],
    outputs: [tensorView(dw!), tensorView(db!)],
    exprs: [
      'dy[u.dy_o + r * u.n + j] * (x[u.x_o + r * u.n + j] - mean[u.mean_o + r]) * rstd[u.rstd_o + r]',
      'dy[u.dy_o + r * u.n + j]',
    ],
  });
});
