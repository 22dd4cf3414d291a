import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import { Softmax } from '../../../kernels/softmax.js';
import { softmaxRows } from '../reference/softmax.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Softmax, {
  reference: ({ backend, inputs: [x], outputs: [y] }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    softmaxRows(backend.floats(y!), backend.floats(x!), rows, n);
  },
});
