import { Dropout } from '../../../kernels/elementwise.js';
import { dropout } from '../reference/elementwise.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Dropout, {
  reference: ({ backend, inputs: [x], outputs: [y], attrs }) =>
    dropout(backend.floats(y!), backend.floats(x!), x!.size, attrs.p, attrs.seed),
});
