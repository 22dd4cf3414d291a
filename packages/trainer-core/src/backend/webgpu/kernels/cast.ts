/**
 * Conversion between any two storage dtypes, as the CPU does it: f16/bf16 decode exactly and
 * encode rounding to nearest even, floats to integers truncate and wrap. f16 and bf16 are read
 * and written as packed words, so checkpoints in either load on adapters without shader-f16.
 */
import { variantKey } from '../../../kernels/define.js';
import { Cast } from '../../../kernels/memory.js';
import { encode, isIntegerDType, readers } from '../programs/codecs.js';
import { outputTarget, runMove } from '../programs/mover.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { wordsIn } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(Cast, (args) => {
  const {
    backend,
    inputs: [x],
    outputs: [y],
    attrs,
  } = args;
  const from = x!.dtype;
  const to = y!.dtype;
  const kind = isIntegerDType(from) ? 'int' : 'float';
  const bits = from === to ? 'x_bits(k)' : encode(kind === 'int' ? 'x_i32(k)' : 'x_f32(k)', kind, to);
  runMove(
    backend,
    {
      key: `${variantKey(Cast, attrs)}|${from}`,
      dtype: to,
      target: 'contiguous',
      sources: [wordsIn('x', from)],
      uniforms: [],
      source: `${readers('x', from)}
fn src_bits(k: u32) -> u32 { return ${bits}; }`,
    },
    { sources: [tensorView(x!)], target: outputTarget(args), extent: y!.size, uniforms: { count: y!.size } },
  );
});
