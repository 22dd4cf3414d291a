import { Where } from '../../../kernels/elementwise.js';
import { broadcastStrides } from '../../../tensor/shape.js';
import { where } from '../reference/elementwise.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Where, {
  reference: ({ backend, inputs: [cond, a, b], outputs: [out] }) => {
    const shape = out!.shape;
    where(
      backend.floats(out!),
      backend.view(cond!),
      broadcastStrides(cond!.shape, cond!.strides, shape),
      backend.floats(a!),
      broadcastStrides(a!.shape, a!.strides, shape),
      backend.floats(b!),
      broadcastStrides(b!.shape, b!.strides, shape),
      shape,
      out!.strides,
    );
  },
});
