import { Max } from '../../../kernels/reduce.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { maxAxis } from '../reference/reduce.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Max, {
  reference: ({ backend, inputs: [x], outputs: [values, indices], attrs }) => {
    const { outer, n, inner } = aroundAxis(x!.shape, attrs.axis);
    maxAxis(backend.floats(values!), backend.ints(indices!), backend.floats(x!), outer, n, inner);
  },
});
