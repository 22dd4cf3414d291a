/** Softmax and log-softmax over the last axis. */

import { registerGradient } from '../autograd/gradients.js';
import { runOp } from '../autograd/record.js';
import { LogSoftmax, LogSoftmaxGrad, Softmax, SoftmaxGrad } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

function lastAxisOnly(x: Tensor, axis: number, what: string): void {
  x.assertAlive(what);
  if (normalizeAxis(axis, x.rank, what) !== x.rank - 1) {
    throw new RangeError(
      `${what}: only the last axis is supported (got axis ${axis} of ${x.describe()}); transpose first`,
    );
  }
}

export function softmax(x: Tensor, axis = -1): Tensor {
  lastAxisOnly(x, axis, 'softmax');
  return runOp(Softmax, [x], {})[0]!;
}

registerGradient(Softmax, {
  save: (_inputs, outputs) => [outputs[0]!],
  grad: ({ dy, saved }) => runKernel(SoftmaxGrad, [saved[0]!, dy], {}),
});

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  lastAxisOnly(x, axis, 'logSoftmax');
  return runOp(LogSoftmax, [x], {})[0]!;
}

registerGradient(LogSoftmax, {
  save: (_inputs, outputs) => [outputs[0]!],
  grad: ({ dy, saved }) => runKernel(LogSoftmaxGrad, [saved[0]!, dy], {}),
});
