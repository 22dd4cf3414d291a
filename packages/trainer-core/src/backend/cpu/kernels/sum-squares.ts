import { SumSquares } from '../../../kernels/reduce.js';
import { sumSquares } from '../reference/reduce.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(SumSquares, {
  reference: ({ backend, inputs: [x], outputs: [y] }) => {
    backend.floats(y!)[0] = sumSquares(backend.floats(x!), x!.size);
  },
});
