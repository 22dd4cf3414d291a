import { Softmax } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { softmaxRows } from '../reference/softmax.js';
import { lastAxisRows } from './rows.js';

registerKernel<CpuBackend, unknown>(Softmax, 'cpu', ({ backend, inputs: [x] }) => {
  const { rows, n } = lastAxisRows(x!.shape);
  const { out, data } = backend.floatOutput(x!.dtype, x!.shape);
  softmaxRows(data, backend.floats(x!, 'Softmax'), rows, n);
  return [out];
});
