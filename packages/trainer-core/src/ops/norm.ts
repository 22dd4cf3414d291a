/** RMSNorm (Llama, Qwen2, and Gemma's (1 + w) form) and LayerNorm over the last axis. */

import { registerGradient } from '../autograd/gradients.js';
import { runOp } from '../autograd/record.js';
import { LayerNorm, LayerNormGrad, RmsNorm, RmsNormGrad } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import type { Tensor } from '../tensor/tensor.js';

export interface RmsNormOptions {
  eps?: number;
  /** 1 for Gemma's `x * rsqrt(mean(x^2) + eps) * (1 + w)`; 0 (default) for Llama/Qwen2. */
  weightOffset?: number;
}

export function rmsNorm(x: Tensor, weight: Tensor, options: RmsNormOptions = {}): Tensor {
  x.assertAlive('rmsNorm');
  weight.assertAlive('rmsNorm');
  const [y, rstd] = runOp(RmsNorm, [x, weight], { eps: options.eps ?? 1e-6, weightOffset: options.weightOffset ?? 0 });
  rstd!.dispose();
  return y!;
}

registerGradient(RmsNorm, {
  save: (inputs, outputs) => [inputs[0]!, inputs[1]!, outputs[1]!],
  differentiableOutputs: [0],
  grad: ({ dy, saved, attrs }) =>
    runKernel(RmsNormGrad, [saved[0]!, saved[1]!, saved[2]!, dy], { weightOffset: attrs.weightOffset }),
});

/** torch.nn.LayerNorm over the last axis (biased variance); `bias` may be omitted. */
export function layerNorm(x: Tensor, weight: Tensor, bias: Tensor | undefined, eps = 1e-5): Tensor {
  x.assertAlive('layerNorm');
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const [y, mean, rstd] = runOp(LayerNorm, inputs, { eps });
  mean!.dispose();
  rstd!.dispose();
  return y!;
}

registerGradient(LayerNorm, {
  save: (inputs, outputs) => [inputs[0]!, inputs[1]!, outputs[1]!, outputs[2]!],
  differentiableOutputs: [0],
  grad: ({ dy, saved, inputs }) => {
    const [dx, dw, db] = runKernel(LayerNormGrad, [saved[0]!, saved[1]!, saved[2]!, saved[3]!, dy], {});
    return inputs.length === 3 ? [dx, dw, db] : [dx, dw];
  },
});
