import { broadcastShapes, broadcastStrides, contiguousStrides } from '../../../tensor/shape.js';
import { Where } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { where } from '../reference/elementwise.js';

registerKernel<CpuBackend, unknown>(Where, 'cpu', ({ backend, inputs: [cond, a, b] }) => {
  if (a!.dtype !== b!.dtype) throw new TypeError(`Where: dtypes differ (${a!.dtype} and ${b!.dtype})`);
  const shape = broadcastShapes(broadcastShapes(cond!.shape, a!.shape, 'Where'), b!.shape, 'Where');
  const { out, data } = backend.floatOutput(a!.dtype, shape);
  where(
    data,
    backend.view(cond!),
    broadcastStrides(cond!.shape, cond!.strides, shape),
    backend.floats(a!, 'Where'),
    broadcastStrides(a!.shape, a!.strides, shape),
    backend.floats(b!, 'Where'),
    broadcastStrides(b!.shape, b!.strides, shape),
    shape,
    contiguousStrides(shape),
  );
  return [out];
});
