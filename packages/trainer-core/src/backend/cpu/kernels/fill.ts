import type { DType } from '../../../tensor/dtype.js';
import { f32ToBf16Bits, f32ToF16Bits } from '../../../tensor/half.js';
import { Fill } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';

registerKernel<CpuBackend, { shape: readonly number[]; dtype: DType; value: number }>(
  Fill,
  'cpu',
  ({ backend, attrs }) => {
    const { out, data } = backend.output(attrs.dtype, attrs.shape);
    const v =
      attrs.dtype === 'f16'
        ? f32ToF16Bits(attrs.value)
        : attrs.dtype === 'bf16'
          ? f32ToBf16Bits(attrs.value)
          : attrs.value;
    data.fill(v);
    return [out];
  },
);
