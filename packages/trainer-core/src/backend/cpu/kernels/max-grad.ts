import { MaxGrad } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { maxAxisGrad } from '../reference/reduce.js';
import { aroundAxis } from '../reference/strided.js';

registerKernel<CpuBackend, { axis: number; inShape: readonly number[] }>(
  MaxGrad,
  'cpu',
  ({ backend, inputs: [dy, indices], attrs }) => {
    const { outer, n, inner } = aroundAxis(attrs.inShape, attrs.axis);
    const { out, data } = backend.floatOutput(dy!.dtype, attrs.inShape);
    maxAxisGrad(data, backend.floats(dy!, 'MaxGrad'), backend.ints(indices!, 'MaxGrad'), outer, n, inner);
    return [out];
  },
);
