import { SliceGrad } from '../../../kernels/memory.js';
import { stridedCopy } from '../reference/elementwise.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(SliceGrad, {
  reference: ({ backend, inputs: [dy], outputs: [dx], attrs: { starts } }) => {
    const data = backend.floats(dx!);
    data.fill(0);
    let offset = 0;
    starts.forEach((s, i) => {
      offset += s * dx!.strides[i]!;
    });
    stridedCopy(data.subarray(offset), dx!.strides, backend.view(dy!), dy!.strides, dy!.shape);
  },
});
