import { SumSquares } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { sumSquares } from '../reference/reduce.js';

registerKernel<CpuBackend, unknown>(SumSquares, 'cpu', ({ backend, inputs: [x] }) => {
  const { out, data } = backend.floatOutput('f32', []);
  data[0] = sumSquares(backend.floats(x!, 'SumSquares'), x!.size);
  return [out];
});
