import { Fill } from '../../../kernels/memory.js';
import { f32ToBf16Bits, f32ToF16Bits } from '../../../tensor/half.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Fill, {
  reference: ({ backend, outputs: [y], attrs: { dtype, value } }) => {
    const v = dtype === 'f16' ? f32ToF16Bits(value) : dtype === 'bf16' ? f32ToBf16Bits(value) : value;
    backend.view(y!).fill(v);
  },
});
