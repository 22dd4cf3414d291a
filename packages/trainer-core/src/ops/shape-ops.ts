/**
 * Shape ops. Reshape (of contiguous data), transpose/permute, slice and expand are views that
 * share storage; nothing is copied until a kernel needs contiguous input.
 */

import { registerGradient } from '../autograd/gradients.js';
import { recordOp, runOp, shouldRecord } from '../autograd/record.js';
import type { ViewDef } from '../kernels/define.js';
import { Concat, Copy, Expand, Permute, Reshape, Slice, SliceGrad } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import { contiguousStrides, formatShape, normalizeAxis, shapeSize, shapesEqual } from '../tensor/shape.js';
import { type Tensor, viewTensor } from '../tensor/tensor.js';
import { sumToShape } from './reduce.js';

function viewOp<A>(
  def: ViewDef<A>,
  x: Tensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  attrs: A,
): Tensor {
  const out = viewTensor(x, shape, strides, offset);
  if (shouldRecord([x])) recordOp(def, [x], [out], attrs, []);
  return out;
}

/** A contiguous copy (or `x` itself when it already is contiguous). */
export function contiguous(x: Tensor): Tensor {
  x.assertAlive('contiguous');
  if (x.isContiguous) return x;
  return runOp(Copy, [x], {})[0]!;
}

registerGradient(Copy, { grad: ({ dy }) => [dy] });

/** Resolves one -1 and checks the element count. */
export function resolveShape(shape: readonly number[], size: number, what: string): number[] {
  const out = [...shape];
  const wild = out.indexOf(-1);
  if (wild !== out.lastIndexOf(-1))
    throw new RangeError(`${what}: only one dimension can be -1 in ${formatShape(shape)}`);
  if (wild >= 0) {
    const rest = shapeSize(out.filter((_, i) => i !== wild));
    if (rest === 0 || size % rest !== 0) {
      throw new RangeError(`${what}: cannot infer -1 in ${formatShape(shape)} for ${size} elements`);
    }
    out[wild] = size / rest;
  }
  if (shapeSize(out) !== size || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`${what}: cannot reshape ${size} elements to ${formatShape(shape)}`);
  }
  return out;
}

/** Same elements, new shape (a view of contiguous data; a copy otherwise). One dim may be -1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.assertAlive('reshape');
  const target = resolveShape(shape, x.size, `reshape of ${x.describe()}`);
  if (shapesEqual(target, x.shape)) return x;
  if (x.isContiguous) return viewOp(Reshape, x, target, contiguousStrides(target), x.offset, {});
  const c = contiguous(x);
  const out = reshape(c, target);
  c.dispose();
  return out;
}

registerGradient(Reshape, { grad: ({ dy, inputs }) => [reshape(dy, inputs[0]!.shape)] });

export function flatten(x: Tensor): Tensor {
  return reshape(x, [x.size]);
}

/** Inserts a size-1 axis at `axis`. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Removes the size-1 axis at `axis`. */
export function squeeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank, 'squeeze');
  if (x.shape[a] !== 1) throw new RangeError(`squeeze: axis ${axis} of ${x.describe()} has size ${x.shape[a]}, not 1`);
  return reshape(x, [...x.shape.slice(0, a), ...x.shape.slice(a + 1)]);
}

/** Reorders axes: out.shape[i] = x.shape[perm[i]]. A view. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  x.assertAlive('permute');
  const p = perm.map((a) => normalizeAxis(a, x.rank, 'permute'));
  if (p.length !== x.rank || new Set(p).size !== p.length) {
    throw new RangeError(`permute: ${formatShape(perm)} is not a permutation of ${x.rank} axes`);
  }
  if (p.every((a, i) => a === i)) return x;
  return viewOp(
    Permute,
    x,
    p.map((a) => x.shape[a]!),
    p.map((a) => x.strides[a]!),
    x.offset,
    { perm: p },
  );
}

registerGradient(Permute, {
  grad: ({ dy, attrs }) => {
    const inverse = new Array<number>(attrs.perm.length);
    attrs.perm.forEach((a, i) => {
      inverse[a] = i;
    });
    return [permute(dy, inverse)];
  },
});

/** Swaps two axes. A view. */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const a = normalizeAxis(axis0, x.rank, 'transpose');
  const b = normalizeAxis(axis1, x.rank, 'transpose');
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/**
 * The block starting at `begin` with `size` elements per axis (size -1 = to the end). A view.
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  x.assertAlive('slice');
  if (begin.length > x.rank || (size && size.length !== begin.length)) {
    throw new RangeError(`slice: begin ${formatShape(begin)} / size does not fit ${x.describe()}`);
  }
  const starts = x.shape.map((_, i) => begin[i] ?? 0);
  const shape = x.shape.map((d, i) => {
    const s = size?.[i];
    return s === undefined || s === -1 ? d - starts[i]! : s;
  });
  starts.forEach((s, i) => {
    const d = x.shape[i]!;
    if (!Number.isInteger(s) || s < 0 || shape[i]! < 0 || s + shape[i]! > d) {
      throw new RangeError(`slice: axis ${i} range [${s}, ${s + shape[i]!}) is outside [0, ${d}) of ${x.describe()}`);
    }
  });
  if (shapesEqual(shape, x.shape)) return x;
  let offset = x.offset;
  starts.forEach((s, i) => {
    offset += s * x.strides[i]!;
  });
  return viewOp(Slice, x, shape, x.strides, offset, { starts });
}

registerGradient(Slice, {
  grad: ({ dy, attrs, inputs }) => runKernel(SliceGrad, [dy], { inShape: inputs[0]!.shape, starts: attrs.starts }),
});

/** `length` elements of `axis` from `start` (torch.narrow). A view. */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis(axis, x.rank, 'narrow');
  const begin = x.shape.map((_, i) => (i === a ? start : 0));
  const size = x.shape.map((d, i) => (i === a ? length : d));
  return slice(x, begin, size);
}

/** Broadcasts size-1 (or missing leading) axes to `shape` without copying (zero strides). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  x.assertAlive('expand');
  if (shape.length < x.rank) throw new RangeError(`expand: cannot expand ${x.describe()} to ${formatShape(shape)}`);
  const lead = shape.length - x.rank;
  const strides = shape.map((d, i) => {
    if (i < lead) return 0;
    const own = x.shape[i - lead]!;
    if (own === d) return x.strides[i - lead]!;
    if (own === 1) return 0;
    throw new RangeError(`expand: cannot expand ${x.describe()} to ${formatShape(shape)}`);
  });
  if (shapesEqual(shape, x.shape)) return x;
  return viewOp(Expand, x, [...shape], strides, x.offset, {});
}

registerGradient(Expand, {
  grad: ({ dy, inputs }) => [sumToShape(dy, inputs[0]!.shape)],
});

/** Concatenation along `axis` (inputs must agree on every other axis). */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new RangeError('concat: no tensors given');
  const first = xs[0]!;
  const a = normalizeAxis(axis, first.rank, 'concat');
  for (const x of xs) {
    x.assertAlive('concat');
    if (x.rank !== first.rank || x.dtype !== first.dtype || x.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new RangeError(`concat: ${x.describe()} does not match ${first.describe()} outside axis ${a}`);
    }
  }
  if (xs.length === 1) return first;
  return runOp(Concat, xs, { axis: a })[0]!;
}

registerGradient(Concat, {
  grad: ({ dy, attrs, inputs, needsGrad }) => {
    let start = 0;
    return inputs.map((meta, i) => {
      const len = meta.shape[attrs.axis]!;
      const part = needsGrad[i] ? narrow(dy, attrs.axis, start, len) : null;
      start += len;
      return part;
    });
  },
});
