/** torch.nn.LayerNorm over the last axis (biased variance), one workgroup per row; mean and rstd are kept. */
import { LayerNorm } from '../../../kernels/norm.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { rowEnables, rowGrid, rowKernel, rowShape } from '../programs/rows.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32, f32In, f32Out, u32 } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(LayerNorm, ({ backend, inputs: [x, w, b], outputs: [y, mean, rstd], attrs }) => {
  const { rows, n } = lastAxisRows(x!.shape);
  if (rows * n === 0) return;
  const shape = rowShape(backend, `LayerNorm|${b ? 'bias' : 'nobias'}`, n);
  const wg = shape.wg;
  const program = backend.program(shape.key, () => ({
    key: shape.key,
    enables: rowEnables(shape),
    bindings: [f32In('x'), f32In('w'), ...(b ? [f32In('b')] : []), f32Out('y'), f32Out('mean'), f32Out('rstd')],
    uniforms: [u32('rows'), u32('n'), f32('eps')],
    code: rowKernel(
      shape,
      /* wgsl */ `
  let xb = u.x_o + row * u.n;
  let yb = u.y_o + row * u.n;
  var s = 0.0;
  for (var j = lix; j < u.n; j += ${wg}u) { s += x[xb + j]; }
  let mu = wg_sum(s, lix) / f32(u.n);
  var v = 0.0;
  for (var j = lix; j < u.n; j += ${wg}u) { let d = x[xb + j] - mu; v += d * d; }
  let rs = 1.0 / sqrt(wg_sum(v, lix) / f32(u.n) + u.eps);
  if (lix == 0u) { mean[u.mean_o + row] = mu; rstd[u.rstd_o + row] = rs; }
  for (var j = lix; j < u.n; j += ${wg}u) {
    y[yb + j] = (x[xb + j] - mu) * rs * w[u.w_o + j]${b ? ' + b[u.b_o + j]' : ''};
  }`,
    ),
  }));
  backend.dispatch(
    program,
    [x!, w!, ...(b ? [b] : []), y!, mean!, rstd!].map(tensorView),
    { rows, n, eps: attrs.eps },
    rowGrid(rows),
  );
});
