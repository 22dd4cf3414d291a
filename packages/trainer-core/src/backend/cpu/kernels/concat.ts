import { Concat } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { concatPart } from '../reference/gather.js';
import { aroundAxis } from '../reference/strided.js';

registerKernel<CpuBackend, { axis: number }>(Concat, 'cpu', ({ backend, inputs, attrs }) => {
  const first = inputs[0]!;
  const axis = attrs.axis;
  let total = 0;
  for (const x of inputs) total += x.shape[axis]!;
  const shape = first.shape.map((d, i) => (i === axis ? total : d));
  const { out, data } = backend.output(first.dtype, shape);
  let start = 0;
  for (const x of inputs) {
    const { outer, n, inner } = aroundAxis(x.shape, axis);
    concatPart(data, backend.view(x), outer, n, inner, total, start);
    start += n;
  }
  return [out];
});
