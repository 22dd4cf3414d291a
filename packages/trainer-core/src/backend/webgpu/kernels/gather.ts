/** index_select / embedding lookup for any dtype; an index outside [0, n) reads zeros. */
import { Gather } from '../../../kernels/indexing.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { readers } from '../programs/codecs.js';
import { outputTarget, runMove } from '../programs/mover.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { i32In, u32, wordsIn } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(Gather, (args) => {
  const {
    backend,
    inputs: [x, indices],
    outputs: [y],
    attrs,
  } = args;
  const { n, inner } = aroundAxis(x!.shape, attrs.axis);
  runMove(
    backend,
    {
      key: `Gather|${x!.dtype}`,
      dtype: x!.dtype,
      target: 'contiguous',
      sources: [wordsIn('x', x!.dtype), i32In('idx')],
      uniforms: [u32('n'), u32('inner'), u32('picks')],
      source: `${readers('x', x!.dtype)}
fn src_bits(k: u32) -> u32 {
  let i = k % u.inner;
  let m = (k / u.inner) % u.picks;
  let o = k / (u.inner * u.picks);
  let j = idx[u.idx_o + m];
  if (j < 0 || u32(j) >= u.n) { return 0u; }
  return x_bits((o * u.n + u32(j)) * u.inner + i);
}`,
    },
    {
      sources: [tensorView(x!), tensorView(indices!)],
      target: outputTarget(args),
      extent: y!.size,
      uniforms: { count: y!.size, n, inner, picks: indices!.size },
    },
  );
});
