/**
 * Fused causal / key-padded scaled-dot-product attention with grouped-query heads, on the
 * [batch, seq, heads, headDim] layout the projections produce (no transposes). The backward
 * recomputes probabilities from the saved row log-sum-exp; no [T, T] matrix is kept.
 */

import { registerGradient } from '../autograd/gradients.js';
import { runOp } from '../autograd/record.js';
import { Attention, AttentionGrad } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { cast } from './elementwise.js';

export interface AttentionOptions {
  /** Mask keys after the query (bottom-right aligned when Tq < Tk). Default true. */
  causal?: boolean;
  /** [batch, Tk] with 1 = attend, 0 = padding (any dtype; converted to i32). */
  keyMask?: Tensor;
  /** Score scale; default 1 / sqrt(headDim) (Gemma: query_pre_attn_scalar^-0.5). */
  scale?: number;
  /**
   * Sliding window: each query sees only the `window` most recent keys, itself included
   * (Gemma 3's local layers; transformers' `kv_idx > q_idx - sliding_window`). 0 = unlimited.
   */
  window?: number;
}

/** q [B, Tq, H, D], k and v [B, Tk, Hkv, D] (H a multiple of Hkv) -> [B, Tq, H, D]. */
export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  for (const t of [q, k, v]) t.assertAlive('attention');
  const headDim = q.shape[3] ?? 1;
  const attrs = {
    causal: options.causal ?? true,
    scale: options.scale ?? 1 / Math.sqrt(headDim),
    window: options.window ?? 0,
  };
  const mask = options.keyMask ? cast(options.keyMask, 'i32') : undefined;
  const [out, lse] = runOp(Attention, mask ? [q, k, v, mask] : [q, k, v], attrs);
  lse!.dispose();
  if (mask && mask !== options.keyMask) mask.dispose();
  return out!;
}

registerGradient(Attention, {
  save: (inputs, outputs) => [inputs[0]!, inputs[1]!, inputs[2]!, outputs[0]!, outputs[1]!, ...inputs.slice(3)],
  differentiableOutputs: [0],
  grad: ({ dy, saved, attrs }) => {
    const [q, k, v, out, lse, mask] = saved;
    const inputs = [q!, k!, v!, out!, lse!, dy];
    if (mask) inputs.push(mask);
    return [...runKernel(AttentionGrad, inputs, attrs), null];
  },
});
