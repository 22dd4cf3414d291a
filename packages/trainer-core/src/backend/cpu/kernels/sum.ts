import { Sum } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { sumAxes } from '../reference/reduce.js';

registerKernel<CpuBackend, { axes: readonly number[]; keepDims: boolean }>(
  Sum,
  'cpu',
  ({ backend, inputs: [x], attrs }) => {
    const reduced = new Set(attrs.axes);
    const shape = attrs.keepDims
      ? x!.shape.map((d, i) => (reduced.has(i) ? 1 : d))
      : x!.shape.filter((_, i) => !reduced.has(i));
    const { out, data } = backend.floatOutput(x!.dtype, shape);
    sumAxes(data, backend.floats(x!, 'Sum'), x!.shape, attrs.axes);
    return [out];
  },
);
