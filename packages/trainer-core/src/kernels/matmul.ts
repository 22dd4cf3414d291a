/** Batched matrix multiplication with transposes and broadcast batch dimensions. */
import { defineKernel } from './define.js';
import { floatDType, requireFinite } from './infer.js';
import { planMatmul } from './shapes/matmul-plan.js';

/**
 * [a, b] -> alpha * op(a) @ op(b) with batch dimensions broadcast. op(a) = a^T when transA
 * (a is stored [.., K, M]); op(b) = b^T when transB (b is stored [.., N, K]). The transposes
 * specialise the code; alpha is a runtime value.
 */
export const Matmul = defineKernel<{ transA: boolean; transB: boolean; alpha: number }>('Matmul', {
  inputs: ['a', 'b'],
  outputs: ['c'],
  specialize: ['transA', 'transB'],
  differentiable: true,
  infer: ([a, b], { transA, transB, alpha }) => {
    const dtype = floatDType('Matmul', [a, b], ['a', 'b']);
    requireFinite('Matmul', 'alpha', alpha);
    return [{ shape: planMatmul(a!.shape, b!.shape, transA, transB).outShape, dtype }];
  },
});
