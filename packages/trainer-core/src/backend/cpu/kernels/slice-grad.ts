import { contiguousStrides } from '../../../tensor/shape.js';
import { SliceGrad } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { stridedCopy } from '../reference/elementwise.js';

registerKernel<CpuBackend, { inShape: readonly number[]; starts: readonly number[] }>(
  SliceGrad,
  'cpu',
  ({ backend, inputs: [dy], attrs }) => {
    const { out, data } = backend.floatOutput(dy!.dtype, attrs.inShape);
    data.fill(0);
    const strides = contiguousStrides(attrs.inShape);
    let offset = 0;
    attrs.starts.forEach((s, i) => {
      offset += s * strides[i]!;
    });
    stridedCopy(data.subarray(offset), strides, backend.view(dy!), dy!.strides, dy!.shape);
    return [out];
  },
);
