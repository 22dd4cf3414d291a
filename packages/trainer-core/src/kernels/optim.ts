/** Optimizer updates, one kernel per optimizer, in place on the parameter and its state. */
import { defineKernel } from './define.js';
import { floatDType, requireShape } from './infer.js';

export interface AdamWAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for the bias corrections. */
  step: number;
}

/** [param, grad, expAvg, expAvgSq] -> (none): one torch.optim.AdamW step in place. All settings are runtime values. */
export const AdamWUpdate = defineKernel<AdamWAttrs>('AdamWUpdate', {
  inputs: ['param', 'grad', 'expAvg', 'expAvgSq'],
  outputs: [],
  mutates: [0, 2, 3],
  differentiable: false,
  infer: (inputs, { step }) => {
    const names = ['param', 'grad', 'expAvg', 'expAvgSq'];
    floatDType('AdamWUpdate', inputs, names);
    inputs.forEach((t, i) => {
      requireShape('AdamWUpdate', t, names[i]!, inputs[0]!.shape);
    });
    if (!Number.isInteger(step) || step < 1)
      throw new RangeError(`AdamWUpdate: step must be an integer >= 1, got ${step}`);
    return [];
  },
});

export interface SgdAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** First step with momentum: the buffer is initialised to the gradient. */
  firstStep: boolean;
}

/** [param, grad, momentumBuffer?] -> (none): one torch.optim.SGD step in place. */
export const SgdUpdate = defineKernel<SgdAttrs>('SgdUpdate', {
  inputs: ['param', 'grad', 'momentumBuffer?'],
  outputs: [],
  mutates: [0, 2],
  differentiable: false,
  infer: (inputs) => {
    const names = ['param', 'grad', 'momentumBuffer'];
    floatDType('SgdUpdate', inputs, names);
    inputs.forEach((t, i) => {
      requireShape('SgdUpdate', t, names[i]!, inputs[0]!.shape);
    });
    return [];
  },
});
