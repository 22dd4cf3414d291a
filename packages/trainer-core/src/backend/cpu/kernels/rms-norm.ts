import { RmsNorm } from '../../../kernels/norm.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { rmsNormRows } from '../reference/norm.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(RmsNorm, {
  reference: ({ backend, inputs: [x, w], outputs: [y, rstd], attrs: { eps, weightOffset } }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    const f = backend.floats.bind(backend);
    rmsNormRows(f(y!), f(rstd!), f(x!), f(w!), rows, n, eps, weightOffset);
  },
  fast: (fast, { backend, inputs: [x, w], outputs: [y, rstd], attrs: { eps, weightOffset } }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    const p = backend.pointer.bind(backend);
    fast.rmsNorm({ x: p(x!), weight: p(w!), out: p(y!), rstd: p(rstd!), rows, dim: n, eps, weightOffset });
  },
});
