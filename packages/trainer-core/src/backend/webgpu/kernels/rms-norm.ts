/** y = x * rsqrt(mean(x^2) + eps) * (w + offset), one workgroup per row; rstd is kept for the backward. */
import { RmsNorm } from '../../../kernels/norm.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { rowEnables, rowGrid, rowKernel, rowShape } from '../programs/rows.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32, f32In, f32Out, u32 } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(RmsNorm, ({ backend, inputs: [x, w], outputs: [y, rstd], attrs }) => {
  const { rows, n } = lastAxisRows(x!.shape);
  if (rows * n === 0) return;
  const shape = rowShape(backend, 'RmsNorm', n);
  const wg = shape.wg;
  const program = backend.program(shape.key, () => ({
    key: shape.key,
    enables: rowEnables(shape),
    bindings: [f32In('x'), f32In('w'), f32Out('y'), f32Out('rstd')],
    uniforms: [u32('rows'), u32('n'), f32('eps'), f32('offset')],
    code: rowKernel(
      shape,
      /* wgsl */ `
  let xb = u.x_o + row * u.n;
  let yb = u.y_o + row * u.n;
  var ss = 0.0;
  for (var j = lix; j < u.n; j += ${wg}u) { let v = x[xb + j]; ss += v * v; }
  ss = wg_sum(ss, lix);
  let rs = 1.0 / sqrt(ss / f32(u.n) + u.eps);
  if (lix == 0u) { rstd[u.rstd_o + row] = rs; }
  for (var j = lix; j < u.n; j += ${wg}u) { y[yb + j] = x[xb + j] * rs * (w[u.w_o + j] + u.offset); }`,
    ),
  }));
  backend.dispatch(
    program,
    [x!, w!, y!, rstd!].map(tensorView),
    { rows, n, eps: attrs.eps, offset: attrs.weightOffset },
    rowGrid(rows),
  );
});
