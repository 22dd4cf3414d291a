import { Assign } from '../../../kernels/memory.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Assign, {
  reference: ({ backend, inputs: [dst, src] }) => backend.view(dst!).set(backend.view(src!) as never),
});
