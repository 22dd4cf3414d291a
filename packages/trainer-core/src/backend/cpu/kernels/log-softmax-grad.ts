import { LogSoftmaxGrad } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { logSoftmaxGradRows } from '../reference/softmax.js';
import { lastAxisRows } from './rows.js';

registerKernel<CpuBackend, unknown>(LogSoftmaxGrad, 'cpu', ({ backend, inputs: [y, dy] }) => {
  const { rows, n } = lastAxisRows(y!.shape);
  const { out, data } = backend.floatOutput(y!.dtype, y!.shape);
  logSoftmaxGradRows(data, backend.floats(y!, 'LogSoftmaxGrad'), backend.floats(dy!, 'LogSoftmaxGrad'), rows, n);
  return [out];
});
