/** Gathering by index along an axis (embedding lookup) with a scatter-add backward. */

import { registerGradient } from '../autograd/gradients.js';
import { runOp } from '../autograd/record.js';
import { Gather, GatherGrad } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkIndices, debugInts } from './validate-data.js';

/**
 * Selects entries of `x` along `axis` by i32 `indices` (any shape):
 * out.shape = x.shape[:axis] + indices.shape + x.shape[axis+1:] (torch.index_select, generalised).
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  x.assertAlive('gather');
  indices.assertAlive('gather');
  if (indices.dtype !== 'i32') throw new TypeError(`gather: indices must be i32, got ${indices.describe()}`);
  const a = normalizeAxis(axis, x.rank, 'gather');
  const ids = debugInts(indices);
  if (ids) checkIndices(ids, x.shape[a]!, 'gather');
  return runOp(Gather, [x, indices], { axis: a })[0]!;
}

registerGradient(Gather, {
  save: (inputs) => [inputs[1]!],
  grad: ({ dy, saved, attrs, inputs }) => [
    runKernel(GatherGrad, [dy, saved[0]!], { axis: attrs.axis, inShape: inputs[0]!.shape })[0]!,
    null,
  ],
});

/** Rows of `weight` [V, H] for i32 `ids` [...] -> [..., H]. */
export function embedding(weight: Tensor, ids: Tensor): Tensor {
  return gather(weight, ids, 0);
}
