import { RmsNormGrad } from '../../../kernels/norm.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { rmsNormGradRows } from '../reference/norm.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(RmsNormGrad, {
  reference: ({ backend, inputs: [x, w, rstd, dy], outputs: [dx, dw], attrs }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    const f = backend.floats.bind(backend);
    rmsNormGradRows(f(dx!), f(dw!), f(x!), f(w!), f(rstd!), f(dy!), rows, n, attrs.weightOffset);
  },
  fast: (fast, { backend, inputs: [x, w, rstd, dy], outputs: [dx, dw], attrs }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    const p = backend.pointer.bind(backend);
    fast.rmsNormGrad({
      x: p(x!),
      weight: p(w!),
      rstd: p(rstd!),
      dy: p(dy!),
      dx: p(dx!),
      dw: p(dw!),
      rows,
      dim: n,
      weightOffset: attrs.weightOffset,
    });
  },
});
