import { LogSoftmax } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { logSoftmaxRows } from '../reference/softmax.js';
import { lastAxisRows } from './rows.js';

registerKernel<CpuBackend, unknown>(LogSoftmax, 'cpu', ({ backend, inputs: [x] }) => {
  const { rows, n } = lastAxisRows(x!.shape);
  const { out, data } = backend.floatOutput(x!.dtype, x!.shape);
  logSoftmaxRows(data, backend.floats(x!, 'LogSoftmax'), rows, n);
  return [out];
});
