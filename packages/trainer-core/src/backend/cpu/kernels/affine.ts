import { Affine } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { affine } from '../reference/elementwise.js';

registerKernel<CpuBackend, { scale: number; bias: number }>(Affine, 'cpu', ({ backend, inputs: [x], attrs }) => {
  const { out, data } = backend.floatOutput(x!.dtype, x!.shape);
  affine(data, backend.floats(x!, 'Affine'), x!.size, attrs.scale, attrs.bias);
  return [out];
});
