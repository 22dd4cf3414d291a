import { Affine } from '../../../kernels/elementwise.js';
import { affine } from '../reference/elementwise.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Affine, {
  reference: ({ backend, inputs: [x], outputs: [y], attrs }) =>
    affine(backend.floats(y!), backend.floats(x!), x!.size, attrs.scale, attrs.bias),
});
