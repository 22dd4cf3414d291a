/** [x] -> sum of squares (the gradient-norm building block), split across workgroups for long tensors. */
import { SumSquares } from '../../../kernels/reduce.js';
import { sumAxis } from '../programs/reduce.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(SumSquares, ({ backend, inputs: [x], outputs: [y] }) =>
  sumAxis(backend, tensorView(x!), tensorView(y!), 1, x!.size, 1, true),
);
