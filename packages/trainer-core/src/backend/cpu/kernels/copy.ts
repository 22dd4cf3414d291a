import { contiguousStrides } from '../../../tensor/shape.js';
import { Copy } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { stridedCopy } from '../reference/elementwise.js';

registerKernel<CpuBackend, unknown>(Copy, 'cpu', ({ backend, inputs: [x] }) => {
  const { out, data } = backend.output(x!.dtype, x!.shape);
  stridedCopy(data, contiguousStrides(x!.shape), backend.view(x!), x!.strides, x!.shape);
  return [out];
});
