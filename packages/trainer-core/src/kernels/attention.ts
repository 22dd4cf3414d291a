/** Fused scaled-dot-product attention (flash style: the backward recomputes probabilities). */
import { defineKernel, type TensorMeta } from './define.js';
import { floatDType, requireDType, requireShape } from './infer.js';
import { type AttentionSettings, attentionDims } from './shapes/attention-dims.js';

function checkMask(mask: TensorMeta | undefined): void {
  if (mask) requireDType('Attention', mask, 'keyMask', 'i32');
}

/**
 * [q [B, Tq, H, D], k [B, Tk, Hkv, D], v [B, Tk, Hkv, D], keyMask? i32 [B, Tk]] ->
 * [out [B, Tq, H, D], lse [B, H, Tq]]. See AttentionDims for masking; a query row that sees no
 * key gets output 0 and lse -Infinity. `causal` specialises the code; scale and window are runtime.
 */
export const Attention = defineKernel<AttentionSettings>('Attention', {
  inputs: ['q', 'k', 'v', 'keyMask?'],
  outputs: ['out', 'lse'],
  specialize: ['causal'],
  differentiable: true,
  infer: ([q, k, v, mask], attrs) => {
    const dtype = floatDType('Attention', [q, k, v], ['q', 'k', 'v']);
    checkMask(mask);
    const d = attentionDims(q!, k!, v!, mask, attrs);
    return [
      { shape: q!.shape, dtype },
      { shape: [d.batch, d.heads, d.tq], dtype },
    ];
  },
});

/** [q, k, v, out, lse, dout, keyMask?] -> [dq, dk, dv]; probabilities are recomputed from lse. */
export const AttentionGrad = defineKernel<AttentionSettings>('AttentionGrad', {
  inputs: ['q', 'k', 'v', 'out', 'lse', 'dout', 'keyMask?'],
  outputs: ['dq', 'dk', 'dv'],
  specialize: ['causal'],
  differentiable: false,
  infer: ([q, k, v, out, lse, dout, mask], attrs) => {
    const dtype = floatDType('AttentionGrad', [q, k, v, out, lse, dout], ['q', 'k', 'v', 'out', 'lse', 'dout']);
    checkMask(mask);
    const d = attentionDims(q!, k!, v!, mask, attrs);
    requireShape('AttentionGrad', out!, 'out', q!.shape);
    requireShape('AttentionGrad', dout!, 'dout', q!.shape);
    requireShape('AttentionGrad', lse!, 'lse', [d.batch, d.heads, d.tq]);
    return [
      { shape: q!.shape, dtype },
      { shape: k!.shape, dtype },
      { shape: v!.shape, dtype },
    ];
  },
});
