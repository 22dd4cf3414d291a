/** Reductions: sum, mean, max (and argmax), plus the sum-to-shape used by broadcasting backwards. */

import { registerGradient } from '../autograd/gradients.js';
import { runOp } from '../autograd/record.js';
import { Max, MaxGrad, Sum } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import { formatShape, normalizeAxes, normalizeAxis, shapeSize, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { scale } from './elementwise.js';
import { expand, reshape } from './shape-ops.js';

/** Sum over `axes` (all when omitted). Accumulates in f64 on the CPU. */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  x.assertAlive('sum');
  const list = normalizeAxes(axes, x.rank, 'sum');
  return runOp(Sum, [x], { axes: list, keepDims })[0]!;
}

registerGradient(Sum, {
  grad: ({ dy, attrs, inputs }) => {
    const inShape = inputs[0]!.shape;
    const kept = inShape.map((d, i) => (attrs.axes.includes(i) ? 1 : d));
    return [expand(reshape(dy, kept), inShape)];
  },
});

export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const list = normalizeAxes(axes, x.rank, 'mean');
  const count = shapeSize(list.map((a) => x.shape[a]!));
  const s = sum(x, list, keepDims);
  const out = scale(s, 1 / count);
  s.dispose();
  return out;
}

/** Maximum along `axis` (over all elements when omitted); the gradient goes to the first maximum. */
export function max(x: Tensor, axis?: number, keepDims = false): Tensor {
  x.assertAlive('max');
  if (axis === undefined) {
    const flat = reshape(x, [x.size]);
    const out = max(flat, 0, false);
    if (flat !== x) flat.dispose();
    if (!keepDims) return out;
    const kept = reshape(
      out,
      x.shape.map(() => 1),
    );
    if (kept !== out) out.dispose();
    return kept;
  }
  const a = normalizeAxis(axis, x.rank, 'max');
  const [values, indices] = runOp(Max, [x], { axis: a, keepDims });
  indices!.dispose();
  return values!;
}

registerGradient(Max, {
  save: (_inputs, outputs) => [outputs[1]!],
  differentiableOutputs: [0],
  grad: ({ dy, saved, attrs, inputs }) =>
    runKernel(MaxGrad, [dy, saved[0]!], { axis: attrs.axis, inShape: inputs[0]!.shape }),
});

/** Index (i32) of the first maximum along `axis`. Not differentiable. */
export function argmax(x: Tensor, axis = -1, keepDims = false): Tensor {
  const a = normalizeAxis(axis, x.rank, 'argmax');
  const [values, indices] = runKernel(Max, [x], { axis: a, keepDims });
  values!.dispose();
  return indices!;
}

/** Sums `g` over the axes it was broadcast along so that it has `shape`. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0) throw new RangeError(`sumToShape: cannot reduce ${g.describe()} to ${formatShape(shape)}`);
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const s = runKernel(Sum, [g], { axes, keepDims: false })[0]!;
  const out = reshape(s, shape);
  if (out !== s) s.dispose();
  return out;
}
