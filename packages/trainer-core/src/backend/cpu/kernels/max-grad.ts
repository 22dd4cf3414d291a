import { MaxGrad } from '../../../kernels/reduce.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { maxAxisGrad } from '../reference/reduce.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(MaxGrad, {
  reference: ({ backend, inputs: [dy, indices], outputs: [dx], attrs }) => {
    const { outer, n, inner } = aroundAxis(attrs.inShape, attrs.axis);
    maxAxisGrad(backend.floats(dx!), backend.floats(dy!), backend.ints(indices!), outer, n, inner);
  },
});
