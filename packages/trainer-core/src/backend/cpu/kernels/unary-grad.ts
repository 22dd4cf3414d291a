import { UnaryGrad } from '../../../kernels/elementwise.js';
import { unaryGrad } from '../reference/elementwise.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(UnaryGrad, {
  reference: ({ backend, inputs: [s, dy], outputs: [dx], attrs }) =>
    unaryGrad(attrs.op, backend.floats(dx!), backend.floats(s!), backend.floats(dy!), dy!.size),
});
