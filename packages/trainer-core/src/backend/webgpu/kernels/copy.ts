/** Contiguous copy of a strided view, any dtype. */
import { Copy } from '../../../kernels/memory.js';
import { readers } from '../programs/codecs.js';
import { outputTarget, runMove } from '../programs/mover.js';
import { geometryUniforms, operandOffset, STRIDED_WGSL, stridedGeometry } from '../programs/strided.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { wordsIn } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(Copy, (args) => {
  const {
    backend,
    inputs: [x],
    outputs: [y],
  } = args;
  const g = stridedGeometry('Copy', x!.shape, [x!.strides]);
  const layout = g.layouts[0]!;
  runMove(
    backend,
    {
      key: `Copy|${x!.dtype}|${layout}`,
      dtype: x!.dtype,
      target: 'contiguous',
      sources: [wordsIn('x', x!.dtype)],
      uniforms: geometryUniforms(1),
      source: `${readers('x', x!.dtype)}
${STRIDED_WGSL}
fn src_bits(k: u32) -> u32 { return x_bits(${operandOffset(layout, 1, 'k')}); }`,
    },
    {
      sources: [tensorView(x!)],
      target: outputTarget(args),
      extent: y!.size,
      uniforms: { geo: g.geo, rank: g.rank, count: y!.size },
    },
  );
});
