import { SoftmaxGrad } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { softmaxGradRows } from '../reference/softmax.js';
import { lastAxisRows } from './rows.js';

registerKernel<CpuBackend, unknown>(SoftmaxGrad, 'cpu', ({ backend, inputs: [y, dy] }) => {
  const { rows, n } = lastAxisRows(y!.shape);
  const { out, data } = backend.floatOutput(y!.dtype, y!.shape);
  softmaxGradRows(data, backend.floats(y!, 'SoftmaxGrad'), backend.floats(dy!, 'SoftmaxGrad'), rows, n);
  return [out];
});
