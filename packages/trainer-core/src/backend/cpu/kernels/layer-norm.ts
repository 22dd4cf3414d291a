import { LayerNorm } from '../../../kernels/norm.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { layerNormRows } from '../reference/norm.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(LayerNorm, {
  reference: ({ backend, inputs: [x, w, b], outputs: [y, mean, rstd], attrs }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    const f = backend.floats.bind(backend);
    layerNormRows(f(y!), f(mean!), f(rstd!), f(x!), f(w!), b ? f(b) : undefined, rows, n, attrs.eps);
  },
});
