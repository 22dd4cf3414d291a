import { Sum } from '../../../kernels/reduce.js';
import { sumAxes } from '../reference/reduce.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Sum, {
  reference: ({ backend, inputs: [x], outputs: [y], attrs }) =>
    sumAxes(backend.floats(y!), backend.floats(x!), x!.shape, attrs.axes),
});
