import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { LogSoftmaxGrad } from '../../../kernels/softmax.js';
import { logSoftmaxGradRows } from '../reference/softmax.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(LogSoftmaxGrad, {
  reference: ({ backend, inputs: [y, dy], outputs: [dx] }) => {
    const { rows, n } = lastAxisRows(y!.shape);
    logSoftmaxGradRows(backend.floats(dx!), backend.floats(y!), backend.floats(dy!), rows, n);
  },
});
