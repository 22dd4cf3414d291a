import { Rope } from '../../../kernels/rope.js';
import { rope } from '../reference/rope.js';
import { registerCpuKernel } from '../register-kernel.js';

function sizes(shape: readonly number[]) {
  return shape as [number, number, number, number];
}

registerCpuKernel(Rope, {
  reference: ({ backend, inputs: [x, positions], outputs: [y], attrs }) => {
    const [batch, seq, heads, dim] = sizes(x!.shape);
    rope(
      backend.floats(y!),
      backend.floats(x!),
      batch,
      seq,
      heads,
      dim,
      attrs.theta,
      positions ? backend.ints(positions) : undefined,
      attrs.positionOffset,
      attrs.inverse,
      attrs.scaling,
    );
  },
  // The fast kernel's cos/sin tables start at position 0; negative positions take the reference.
  fastWhen: ({ backend, inputs: [, positions], attrs }) =>
    positions ? backend.ints(positions).every((p) => p >= 0) : attrs.positionOffset >= 0,
  fast: (fast, { backend, inputs: [x, positions], outputs: [y], attrs }) => {
    const [batch, seq, heads, dim] = sizes(x!.shape);
    fast.rope({
      x: backend.pointer(x!),
      out: backend.pointer(y!),
      batch,
      seq,
      heads,
      dim,
      theta: attrs.theta,
      positions: positions ? backend.pointer(positions) : 0,
      positionOffset: attrs.positionOffset,
      inverse: attrs.inverse,
      scaling: attrs.scaling,
    });
  },
});
