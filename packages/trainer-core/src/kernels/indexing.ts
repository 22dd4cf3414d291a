/** Gathering rows by index (embedding lookup) and its scatter-add backward. */
import { defineKernel } from './define.js';
import { floatDType, requireAxis, requireDType } from './infer.js';

/**
 * [x, indices i32] -> x.shape[:axis] + indices.shape + x.shape[axis+1:] (index_select / embedding).
 * An index outside [0, x.shape[axis]) gives zeros (kernels never read outside x); ids are
 * validated where they are made (checkIndices).
 */
export const Gather = defineKernel<{ axis: number }>('Gather', {
  inputs: ['x', 'indices'],
  outputs: ['y'],
  differentiable: true,
  infer: ([x, indices], { axis }) => {
    requireAxis('Gather', axis, x!.shape.length);
    requireDType('Gather', indices!, 'indices', 'i32');
    return [{ shape: [...x!.shape.slice(0, axis), ...indices!.shape, ...x!.shape.slice(axis + 1)], dtype: x!.dtype }];
  },
});

/** [dy, indices] -> dx of shape inShape, scatter-adding slices of dy (repeated indices add up). */
export const GatherGrad = defineKernel<{ axis: number; inShape: readonly number[] }>('GatherGrad', {
  inputs: ['dy', 'indices'],
  outputs: ['dx'],
  differentiable: false,
  infer: ([dy, indices], { axis, inShape }) => {
    requireAxis('GatherGrad', axis, inShape.length);
    requireDType('GatherGrad', indices!, 'indices', 'i32');
    return [{ shape: inShape, dtype: floatDType('GatherGrad', [dy], ['dy']) }];
  },
});
