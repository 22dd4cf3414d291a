import { describe, expect, it } from 'vitest';
import '../ops/index.js';
import { hasGradient } from '../autograd/gradients.js';
import './cpu/cpu-backend.js';
import { Copy } from '../kernels/definitions.js';
import { definedKernelNames, defineKernel, getKernel, hasKernel, registerKernel } from './registry.js';

/** Kernels that only run in backwards, optimizers or memory management: no gradient of their own. */
const NO_GRADIENT = new Set([
  'Fill',
  'UnaryGrad',
  'GatedActGrad',
  'MaxGrad',
  'SoftmaxGrad',
  'LogSoftmaxGrad',
  'RmsNormGrad',
  'LayerNormGrad',
  'GatherGrad',
  'AttentionGrad',
  'SliceGrad',
  'AddInPlace',
  'ScaleInPlace',
  'SumSquares',
  'Assign',
  'AdamWUpdate',
  'SgdUpdate',
]);

describe('kernel registry', () => {
  it('has a CPU implementation of every defined kernel', () => {
    const missing = definedKernelNames().filter((n) => !hasKernel(n, 'cpu'));
    expect(missing).toEqual([]);
  });

  it('has a gradient for every differentiable kernel', () => {
    const missing = definedKernelNames().filter((n) => !NO_GRADIENT.has(n) && !hasGradient(n));
    expect(missing).toEqual([]);
  });

  it('names the kernel and backend when one is missing, and refuses duplicates', () => {
    expect(() => getKernel(Copy, 'webgpu')).toThrow('kernel Copy is not implemented for backend webgpu');
    expect(() => defineKernel('Copy')).toThrow(/already defined/);
    expect(() => registerKernel(Copy, 'cpu', () => [])).toThrow(/already registered/);
  });
});
