import { variantKey } from '../../../kernels/define.js';
import { Fill } from '../../../kernels/memory.js';
import { f32ToBf16Bits, f32ToF16Bits } from '../../../tensor/half.js';
import { valueBits } from '../programs/codecs.js';
import { outputTarget, runMove } from '../programs/mover.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { u32 } from '../shader/spec.js';

registerWebGpuKernel(Fill, (args) => {
  const {
    backend,
    outputs: [y],
    attrs,
  } = args;
  runMove(
    backend,
    {
      key: variantKey(Fill, attrs),
      dtype: attrs.dtype,
      target: 'contiguous',
      sources: [],
      uniforms: [u32('bits')],
      source: 'fn src_bits(k: u32) -> u32 { return u.bits; }',
    },
    {
      sources: [],
      target: outputTarget(args),
      extent: y!.size,
      uniforms: { count: y!.size, bits: valueBits(attrs.value, attrs.dtype, f32ToF16Bits, f32ToBf16Bits) },
    },
  );
});
