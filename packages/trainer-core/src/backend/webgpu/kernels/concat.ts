/** Concatenation, one dispatch per input (two bindings each, however many inputs there are). */
import { Concat } from '../../../kernels/memory.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { readers } from '../programs/codecs.js';
import { outputTarget, runMove } from '../programs/mover.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { wordsIn } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(Concat, (args) => {
  const {
    backend,
    inputs,
    outputs: [y],
    attrs,
  } = args;
  const total = y!.shape[attrs.axis]!;
  const target = outputTarget(args);
  let start = 0;
  for (const x of inputs) {
    const { outer, n, inner } = aroundAxis(x.shape, attrs.axis);
    runMove(
      backend,
      {
        key: `Concat|${x.dtype}`,
        dtype: x.dtype,
        target: 'concat',
        sources: [wordsIn('x', x.dtype)],
        uniforms: [],
        source: `${readers('x', x.dtype)}
fn src_bits(k: u32) -> u32 { return x_bits(k); }`,
      },
      {
        sources: [tensorView(x)],
        target,
        first: start * inner,
        extent: x.size === 0 ? 0 : ((outer - 1) * total + n) * inner,
        uniforms: { inner, total, start, n, outer },
      },
    );
    start += n;
  }
});
