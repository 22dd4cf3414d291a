import { Unary } from '../../../kernels/elementwise.js';
import { unary } from '../reference/elementwise.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Unary, {
  reference: ({ backend, inputs: [x], outputs: [y], attrs }) =>
    unary(attrs.op, backend.floats(y!), backend.floats(x!), x!.size),
});
