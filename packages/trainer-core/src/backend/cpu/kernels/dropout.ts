import { Dropout } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { dropout } from '../reference/elementwise.js';

registerKernel<CpuBackend, { p: number; seed: number }>(Dropout, 'cpu', ({ backend, inputs: [x], attrs }) => {
  const { out, data } = backend.floatOutput(x!.dtype, x!.shape);
  dropout(data, backend.floats(x!, 'Dropout'), x!.size, attrs.p, attrs.seed);
  return [out];
});
