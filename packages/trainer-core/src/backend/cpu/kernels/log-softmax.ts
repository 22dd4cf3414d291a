import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { LogSoftmax } from '../../../kernels/softmax.js';
import { logSoftmaxRows } from '../reference/softmax.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(LogSoftmax, {
  reference: ({ backend, inputs: [x], outputs: [y] }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    logSoftmaxRows(backend.floats(y!), backend.floats(x!), rows, n);
  },
});
