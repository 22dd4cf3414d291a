import { Rope } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { rope } from '../reference/rope.js';
import { checkPositions } from '../reference/validate.js';

registerKernel<CpuBackend, { theta: number; positionOffset: number; inverse: boolean }>(
  Rope,
  'cpu',
  ({ backend, inputs: [x, positions], attrs }) => {
    if (x!.shape.length !== 4) throw new RangeError('Rope: expected x of shape [batch, seq, heads, headDim]');
    const [batch, seq, heads, dim] = x!.shape as [number, number, number, number];
    if (positions && positions.size !== batch * seq) {
      throw new RangeError(`Rope: positions must have batch * seq = ${batch * seq} elements, got ${positions.size}`);
    }
    if (dim % 2 !== 0) throw new RangeError(`Rope: head dim ${dim} must be even`);
    if (positions) checkPositions(backend.ints(positions, 'Rope positions'));
    const { out, data, ptr } = backend.floatOutput(x!.dtype, x!.shape);
    const fast = backend.fastFor(x!.dtype);
    if (fast) {
      fast.rope({
        x: backend.pointer(x!),
        out: ptr,
        batch,
        seq,
        heads,
        dim,
        theta: attrs.theta,
        positions: positions ? backend.pointer(positions) : 0,
        positionOffset: attrs.positionOffset,
        inverse: attrs.inverse,
      });
      return [out];
    }
    rope(
      data,
      backend.floats(x!, 'Rope'),
      batch,
      seq,
      heads,
      dim,
      attrs.theta,
      positions ? backend.ints(positions, 'Rope positions') : undefined,
      attrs.positionOffset,
      attrs.inverse,
    );
    return [out];
  },
);
