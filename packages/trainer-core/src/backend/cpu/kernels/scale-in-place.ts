import { ScaleInPlace } from '../../../kernels/memory.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(ScaleInPlace, {
  reference: ({ backend, inputs: [x, scale] }) => {
    const d = backend.floats(x!);
    const s = backend.floats(scale!)[0]!;
    const n = x!.size;
    for (let i = 0; i < n; i++) d[i]! *= s;
  },
});
