import { Copy } from '../../../kernels/memory.js';
import { stridedCopy } from '../reference/elementwise.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Copy, {
  reference: ({ backend, inputs: [x], outputs: [y] }) =>
    stridedCopy(backend.view(y!), y!.strides, backend.view(x!), x!.strides, x!.shape),
});
