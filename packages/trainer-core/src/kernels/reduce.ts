/**
 * Reductions. What they guarantee: f32 sums are accumulated in at least f32 (the CPU backend
 * accumulates in f64; a GPU backend accumulates in f32 with a tree or blocked order, so results
 * may differ from the CPU's in the last bits, by about log2(n) ulps for n terms). f64 sums exist
 * on the CPU only.
 */
import { formatShape } from '../tensor/shape.js';
import { defineKernel } from './define.js';
import { floatDType, requireAxis } from './infer.js';

type NoAttrs = Record<string, never>;

/** [x] -> sum over `axes` (sorted, unique), kept as size-1 dims when keepDims. */
export const Sum = defineKernel<{ axes: readonly number[]; keepDims: boolean }>('Sum', {
  inputs: ['x'],
  outputs: ['y'],
  differentiable: true,
  infer: ([x], { axes, keepDims }) => {
    const dtype = floatDType('Sum', [x], ['x']);
    const rank = x!.shape.length;
    axes.forEach((a, i) => {
      requireAxis('Sum', a, rank);
      if (i > 0 && a <= axes[i - 1]!) throw new RangeError(`Sum: axes ${formatShape(axes)} must be sorted and unique`);
    });
    const shape = keepDims
      ? x!.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x!.shape.filter((_, i) => !axes.includes(i));
    return [{ shape, dtype }];
  },
});

function reducedShape(shape: readonly number[], axis: number, keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
}

/** [x] -> [max over axis, i32 index of the first maximum]. */
export const Max = defineKernel<{ axis: number; keepDims: boolean }>('Max', {
  inputs: ['x'],
  outputs: ['values', 'indices'],
  differentiable: true,
  infer: ([x], { axis, keepDims }) => {
    const dtype = floatDType('Max', [x], ['x']);
    requireAxis('Max', axis, x!.shape.length);
    if ((x!.shape[axis] ?? 1) === 0) throw new RangeError(`Max: cannot reduce an empty axis ${axis}`);
    const shape = reducedShape(x!.shape, axis, keepDims);
    return [
      { shape, dtype },
      { shape, dtype: 'i32' },
    ];
  },
});

/** [dy, indices] -> dx of shape inShape: dy routed to the argmax positions, zeros elsewhere. */
export const MaxGrad = defineKernel<{ axis: number; inShape: readonly number[] }>('MaxGrad', {
  inputs: ['dy', 'indices'],
  outputs: ['dx'],
  differentiable: false,
  infer: ([dy, indices], { inShape }) => {
    if (indices!.dtype !== 'i32') throw new TypeError(`MaxGrad: indices must be i32, got ${indices!.dtype}`);
    return [{ shape: inShape, dtype: floatDType('MaxGrad', [dy], ['dy']) }];
  },
});

/** [x] -> [] sum of squares, in x's dtype (the gradient-norm building block). */
export const SumSquares = defineKernel<NoAttrs>('SumSquares', {
  inputs: ['x'],
  outputs: ['y'],
  differentiable: false,
  infer: ([x]) => [{ shape: [], dtype: floatDType('SumSquares', [x], ['x']) }],
});
