import { Gather } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { gatherAxis } from '../reference/gather.js';
import { aroundAxis } from '../reference/strided.js';
import { checkIndices } from '../reference/validate.js';

registerKernel<CpuBackend, { axis: number }>(Gather, 'cpu', ({ backend, inputs: [x, indices], attrs }) => {
  const { outer, n, inner } = aroundAxis(x!.shape, attrs.axis);
  const shape = [...x!.shape.slice(0, attrs.axis), ...indices!.shape, ...x!.shape.slice(attrs.axis + 1)];
  const idx = backend.ints(indices!, 'Gather indices');
  checkIndices(idx, n, 'Gather');
  const { out, data } = backend.output(x!.dtype, shape);
  gatherAxis(data, backend.view(x!), idx, outer, n, inner);
  return [out];
});
