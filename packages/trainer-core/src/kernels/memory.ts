/** Kernels that move, convert, create and overwrite data: copy, cast, fill, concat, assign, in-place updates. */
import { DTYPES, type DType } from '../tensor/dtype.js';
import { assertShape, formatShape, shapeSize } from '../tensor/shape.js';
import { defineKernel } from './define.js';
import { floatDType, requireAxis, requireShape, requireSize } from './infer.js';

type NoAttrs = Record<string, never>;

/** [x] -> contiguous copy of a strided view. */
export const Copy = defineKernel<NoAttrs>('Copy', {
  inputs: ['x'],
  outputs: ['y'],
  strided: true,
  differentiable: true,
  infer: ([x]) => [{ shape: x!.shape, dtype: x!.dtype }],
});

/** [x] -> x converted to `dtype` (f16/bf16 decode exactly, encode round-to-nearest-even; floats to ints truncate). */
export const Cast = defineKernel<{ dtype: DType }>('Cast', {
  inputs: ['x'],
  outputs: ['y'],
  specialize: ['dtype'],
  differentiable: true,
  infer: ([x], { dtype }) => {
    if (!DTYPES.includes(dtype)) throw new TypeError(`Cast: unknown dtype ${String(dtype)}`);
    return [{ shape: x!.shape, dtype }];
  },
});

/** [] -> a new tensor with every element `value`. */
export const Fill = defineKernel<{ shape: readonly number[]; dtype: DType; value: number }>('Fill', {
  inputs: [],
  outputs: ['y'],
  specialize: ['dtype'],
  differentiable: false,
  infer: (_, { shape, dtype }) => {
    assertShape(shape, 'Fill');
    return [{ shape, dtype }];
  },
});

/** [...xs] -> concatenation along axis. */
export const Concat = defineKernel<{ axis: number }>('Concat', {
  inputs: ['xs...'],
  outputs: ['y'],
  differentiable: true,
  infer: (xs, { axis }) => {
    const first = xs[0]!;
    requireAxis('Concat', axis, first.shape.length);
    let total = 0;
    for (const x of xs) {
      if (x.dtype !== first.dtype || x.shape.length !== first.shape.length) {
        throw new RangeError(
          `Concat: ${formatShape(x.shape)} ${x.dtype} does not match ${formatShape(first.shape)} ${first.dtype}`,
        );
      }
      x.shape.forEach((d, i) => {
        if (i !== axis && d !== first.shape[i]) {
          throw new RangeError(
            `Concat: ${formatShape(x.shape)} does not match ${formatShape(first.shape)} outside axis ${axis}`,
          );
        }
      });
      total += x.shape[axis]!;
    }
    return [{ shape: first.shape.map((d, i) => (i === axis ? total : d)), dtype: first.dtype }];
  },
});

/** [dy] -> zeros of inShape with dy written at `starts` (the backward of slice). */
export const SliceGrad = defineKernel<{ inShape: readonly number[]; starts: readonly number[] }>('SliceGrad', {
  inputs: ['dy'],
  outputs: ['dx'],
  strided: true,
  differentiable: false,
  infer: ([dy], { inShape, starts }) => {
    const dtype = floatDType('SliceGrad', [dy], ['dy']);
    dy!.shape.forEach((d, i) => {
      const s = starts[i] ?? 0;
      if (s < 0 || s + d > (inShape[i] ?? 0)) {
        throw new RangeError(
          `SliceGrad: ${formatShape(dy!.shape)} at ${formatShape(starts)} does not fit ${formatShape(inShape)}`,
        );
      }
    });
    return [{ shape: inShape, dtype }];
  },
});

/** [dst, src] -> (none): dst = src (same size and dtype, dst contiguous). */
export const Assign = defineKernel<NoAttrs>('Assign', {
  inputs: ['dst', 'src'],
  outputs: [],
  mutates: [0],
  differentiable: false,
  infer: ([dst, src]) => {
    if (src!.dtype !== dst!.dtype || shapeSize(src!.shape) !== shapeSize(dst!.shape)) {
      throw new RangeError(
        `Assign: ${shapeSize(src!.shape)} ${src!.dtype} values into ${shapeSize(dst!.shape)} ${dst!.dtype}`,
      );
    }
    return [];
  },
});

/** [dst, src] -> (none): dst += alpha * src. Gradient accumulation. */
export const AddInPlace = defineKernel<{ alpha: number }>('AddInPlace', {
  inputs: ['dst', 'src'],
  outputs: [],
  mutates: [0],
  differentiable: false,
  infer: ([dst, src]) => {
    floatDType('AddInPlace', [dst, src], ['dst', 'src']);
    requireShape('AddInPlace', src!, 'src', dst!.shape);
    return [];
  },
});

/**
 * [x, scale] -> (none): x *= scale, scale a one-element tensor that stays on the device (the
 * gradient-clipping coefficient), so no value is read back to the host.
 */
export const ScaleInPlace = defineKernel<NoAttrs>('ScaleInPlace', {
  inputs: ['x', 'scale'],
  outputs: [],
  mutates: [0],
  differentiable: false,
  infer: ([x, scale]) => {
    floatDType('ScaleInPlace', [x, scale], ['x', 'scale']);
    requireSize('ScaleInPlace', scale!, 'scale', 1);
    return [];
  },
});
