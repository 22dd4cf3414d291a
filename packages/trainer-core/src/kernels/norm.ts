/** Normalisation over the last axis: RMSNorm (Llama, Qwen2, Gemma's (1 + w)) and LayerNorm. */
import { defineKernel, type TensorMeta } from './define.js';
import { floatDType, requireShape, requireSize } from './infer.js';
import { lastAxisRows } from './shapes/last-axis-rows.js';

function rowsAndWeights(K: string, x: TensorMeta, weights: [TensorMeta | undefined, string][]) {
  const { rows, n } = lastAxisRows(x.shape);
  for (const [w, name] of weights) if (w) requireSize(K, w, name, n);
  return { rows, n };
}

/**
 * [x [.., n], weight [n]] -> [y, rstd [rows]]: y = x * rsqrt(mean(x^2) + eps) * (weight + weightOffset).
 * weightOffset is 0 for Llama/Qwen2 and 1 for Gemma's (1 + w).
 */
export const RmsNorm = defineKernel<{ eps: number; weightOffset: number }>('RmsNorm', {
  inputs: ['x', 'weight'],
  outputs: ['y', 'rstd'],
  differentiable: true,
  infer: ([x, w]) => {
    const dtype = floatDType('RmsNorm', [x, w], ['x', 'weight']);
    const { rows } = rowsAndWeights('RmsNorm', x!, [[w, 'weight']]);
    return [
      { shape: x!.shape, dtype },
      { shape: [rows], dtype },
    ];
  },
});

/** [x, weight, rstd, dy] -> [dx, dweight]. */
export const RmsNormGrad = defineKernel<{ weightOffset: number }>('RmsNormGrad', {
  inputs: ['x', 'weight', 'rstd', 'dy'],
  outputs: ['dx', 'dweight'],
  differentiable: false,
  infer: ([x, w, rstd, dy]) => {
    const dtype = floatDType('RmsNormGrad', [x, w, rstd, dy], ['x', 'weight', 'rstd', 'dy']);
    const { rows } = rowsAndWeights('RmsNormGrad', x!, [[w, 'weight']]);
    requireSize('RmsNormGrad', rstd!, 'rstd', rows);
    requireShape('RmsNormGrad', dy!, 'dy', x!.shape);
    return [
      { shape: x!.shape, dtype },
      { shape: w!.shape, dtype },
    ];
  },
});

/** [x, weight, bias?] -> [y, mean [rows], rstd [rows]] (torch.nn.LayerNorm, biased variance). */
export const LayerNorm = defineKernel<{ eps: number }>('LayerNorm', {
  inputs: ['x', 'weight', 'bias?'],
  outputs: ['y', 'mean', 'rstd'],
  differentiable: true,
  infer: ([x, w, b]) => {
    const dtype = floatDType('LayerNorm', [x, w, b], ['x', 'weight', 'bias']);
    const { rows } = rowsAndWeights('LayerNorm', x!, [
      [w, 'weight'],
      [b, 'bias'],
    ]);
    return [
      { shape: x!.shape, dtype },
      { shape: [rows], dtype },
      { shape: [rows], dtype },
    ];
  },
});

/** [x, weight, mean, rstd, dy] -> [dx, dweight, dbias]. */
export const LayerNormGrad = defineKernel<Record<string, never>>('LayerNormGrad', {
  inputs: ['x', 'weight', 'mean', 'rstd', 'dy'],
  outputs: ['dx', 'dweight', 'dbias'],
  differentiable: false,
  infer: ([x, w, mean, rstd, dy]) => {
    const names = ['x', 'weight', 'mean', 'rstd', 'dy'];
    const dtype = floatDType('LayerNormGrad', [x, w, mean, rstd, dy], names);
    const { rows } = rowsAndWeights('LayerNormGrad', x!, [[w, 'weight']]);
    requireSize('LayerNormGrad', mean!, 'mean', rows);
    requireSize('LayerNormGrad', rstd!, 'rstd', rows);
    requireShape('LayerNormGrad', dy!, 'dy', x!.shape);
    return [
      { shape: x!.shape, dtype },
      { shape: w!.shape, dtype },
      { shape: w!.shape, dtype },
    ];
  },
});
