import { LayerNormGrad } from '../../../kernels/norm.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { layerNormGradRows } from '../reference/norm.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(LayerNormGrad, {
  reference: ({ backend, inputs: [x, w, mean, rstd, dy], outputs: [dx, dw, db] }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    const f = backend.floats.bind(backend);
    layerNormGradRows(f(dx!), f(dw!), f(db!), f(x!), f(w!), f(mean!), f(rstd!), f(dy!), rows, n);
  },
});
