/** Rotary position embedding (Hugging Face rotate_half convention) on [batch, seq, heads, headDim]. */

import { registerGradient } from '../autograd/gradients.js';
import { runOp } from '../autograd/record.js';
import { Rope } from '../kernels/index.js';
import { DEFAULT_ROPE_SCALING, type RopeScaling } from '../kernels/shapes/rope-frequencies.js';
import { runKernel } from '../tensor/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkPositions, debugInts } from './validate-data.js';

export interface RopeOptions {
  /** Base of the frequencies (config `rope_theta`, default 10000). */
  theta?: number;
  /** i32 [batch, seq] positions (left padding, packed sequences); else offset + 0..seq-1. */
  positions?: Tensor;
  /** First position when `positions` is not given (generation with a KV cache). */
  positionOffset?: number;
  /** Frequency scaling (config `rope_scaling` / `rope_parameters`: linear, llama3); default none. */
  scaling?: RopeScaling;
}

export function rope(x: Tensor, options: RopeOptions = {}): Tensor {
  x.assertAlive('rope');
  const attrs = {
    theta: options.theta ?? 10000,
    positionOffset: options.positionOffset ?? 0,
    inverse: false,
    scaling: options.scaling ?? DEFAULT_ROPE_SCALING,
  };
  const positions = debugInts(options.positions);
  if (positions) checkPositions(positions);
  const inputs = options.positions ? [x, options.positions] : [x];
  return runOp(Rope, inputs, attrs)[0]!;
}

registerGradient(Rope, {
  save: (inputs) => inputs.slice(1),
  grad: ({ dy, saved, attrs }) => [runKernel(Rope, [dy, ...saved], { ...attrs, inverse: !attrs.inverse })[0]!, null],
});
