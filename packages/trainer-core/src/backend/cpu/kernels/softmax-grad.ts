import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { SoftmaxGrad } from '../../../kernels/softmax.js';
import { softmaxGradRows } from '../reference/softmax.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(SoftmaxGrad, {
  reference: ({ backend, inputs: [y, dy], outputs: [dx] }) => {
    const { rows, n } = lastAxisRows(y!.shape);
    softmaxGradRows(backend.floats(dx!), backend.floats(y!), backend.floats(dy!), rows, n);
  },
});
