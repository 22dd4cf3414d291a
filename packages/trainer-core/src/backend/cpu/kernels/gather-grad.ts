import { GatherGrad } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { gatherAxisGrad } from '../reference/gather.js';
import { aroundAxis } from '../reference/strided.js';

registerKernel<CpuBackend, { axis: number; inShape: readonly number[] }>(
  GatherGrad,
  'cpu',
  ({ backend, inputs: [dy, indices], attrs }) => {
    const { outer, n, inner } = aroundAxis(attrs.inShape, attrs.axis);
    const { out, data } = backend.floatOutput(dy!.dtype, attrs.inShape);
    gatherAxisGrad(data, backend.floats(dy!, 'GatherGrad'), backend.ints(indices!, 'GatherGrad'), outer, n, inner);
    return [out];
  },
);
