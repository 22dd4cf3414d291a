/** Softmax and log-softmax over the last axis, with their backward kernels. */
import { defineKernel } from './define.js';
import { floatDType, requireShape } from './infer.js';

type NoAttrs = Record<string, never>;

function rowsKernel(name: string) {
  return defineKernel<NoAttrs>(name, {
    inputs: ['x'],
    outputs: ['y'],
    differentiable: true,
    infer: ([x]) => [{ shape: x!.shape, dtype: floatDType(name, [x], ['x']) }],
  });
}

function rowsGradKernel(name: string) {
  return defineKernel<NoAttrs>(name, {
    inputs: ['y', 'dy'],
    outputs: ['dx'],
    differentiable: false,
    infer: ([y, dy]) => {
      const dtype = floatDType(name, [y, dy], ['y', 'dy']);
      requireShape(name, dy!, 'dy', y!.shape);
      return [{ shape: y!.shape, dtype }];
    },
  });
}

/** [x] -> softmax over the last axis. */
export const Softmax = rowsKernel('Softmax');
/** [y, dy] -> y * (dy - sum(dy * y)). */
export const SoftmaxGrad = rowsGradKernel('SoftmaxGrad');
/** [x] -> log-softmax over the last axis. */
export const LogSoftmax = rowsKernel('LogSoftmax');
/** [y, dy] -> dy - exp(y) * sum(dy). */
export const LogSoftmaxGrad = rowsGradKernel('LogSoftmaxGrad');
