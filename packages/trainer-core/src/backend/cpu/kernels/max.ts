import { Max } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { maxAxis } from '../reference/reduce.js';
import { aroundAxis } from '../reference/strided.js';

registerKernel<CpuBackend, { axis: number; keepDims: boolean }>(Max, 'cpu', ({ backend, inputs: [x], attrs }) => {
  const { outer, n, inner } = aroundAxis(x!.shape, attrs.axis);
  if (n === 0) throw new RangeError(`Max: cannot reduce an empty axis ${attrs.axis}`);
  const shape = attrs.keepDims
    ? x!.shape.map((d, i) => (i === attrs.axis ? 1 : d))
    : x!.shape.filter((_, i) => i !== attrs.axis);
  const values = backend.floatOutput(x!.dtype, shape);
  const indices = backend.output('i32', shape);
  maxAxis(values.data, indices.data as Int32Array, backend.floats(x!, 'Max'), outer, n, inner);
  return [values.out, indices.out];
});
