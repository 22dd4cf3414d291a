/**
 * Every kernel's name and attribute type. Ops run these through the engine; each backend
 * implements them in its own files (backend/cpu/kernels/<kernel>.ts). Inputs are listed in the
 * comment of each definition, in order.
 */
import type { DType } from '../tensor/dtype.js';
import { defineKernel } from './registry.js';

type NoAttrs = Record<string, never>;

/** [x] -> contiguous copy of a strided view. */
export const Copy = defineKernel<NoAttrs>('Copy', { strided: true });
/** [x] -> x converted to `dtype` (f16/bf16 decode exactly; floats to ints truncate toward zero). */
export const Cast = defineKernel<{ dtype: DType }>('Cast');
/** [] -> a new tensor with every element `value`. */
export const Fill = defineKernel<{ shape: readonly number[]; dtype: DType; value: number }>('Fill');

/** [a, b] -> a op b, NumPy broadcasting. */
export const Add = defineKernel<NoAttrs>('Add', { strided: true });
export const Sub = defineKernel<NoAttrs>('Sub', { strided: true });
export const Mul = defineKernel<NoAttrs>('Mul', { strided: true });
export const Div = defineKernel<NoAttrs>('Div', { strided: true });

export type UnaryOp = 'neg' | 'exp' | 'log' | 'tanh' | 'sigmoid' | 'silu' | 'gelu' | 'relu' | 'sqrt' | 'square';
/** [x] -> f(x). `gelu` is the tanh approximation (gelu_pytorch_tanh). */
export const Unary = defineKernel<{ op: UnaryOp }>('Unary');
/**
 * [s, dy] -> dx = f'(.) * dy, where s is the forward output for exp/tanh/sigmoid/sqrt (cheaper)
 * and the forward input for the others (see unaryGradUsesOutput).
 */
export const UnaryGrad = defineKernel<{ op: UnaryOp }>('UnaryGrad');
/** [x] -> x * scale + bias. */
export const Affine = defineKernel<{ scale: number; bias: number }>('Affine');

export type GatedActivation = 'silu' | 'gelu';
/** [gate, up] -> act(gate) * up (SwiGLU / GeGLU). */
export const GatedAct = defineKernel<{ act: GatedActivation }>('GatedAct');
/** [gate, up, dy] -> [dgate, dup]. */
export const GatedActGrad = defineKernel<{ act: GatedActivation }>('GatedActGrad');

/** [x] -> sum over `axes` (sorted, unique), kept as size-1 dims when keepDims. Accumulates in f64. */
export const Sum = defineKernel<{ axes: readonly number[]; keepDims: boolean }>('Sum');
/** [x] -> [max over axis, i32 index of the first maximum]. */
export const Max = defineKernel<{ axis: number; keepDims: boolean }>('Max');
/** [dy, indices] -> dx of shape inShape: dy routed to the argmax positions, zeros elsewhere. */
export const MaxGrad = defineKernel<{ axis: number; inShape: readonly number[] }>('MaxGrad');

/** [x] -> softmax over the last axis. */
export const Softmax = defineKernel<NoAttrs>('Softmax');
/** [y, dy] -> y * (dy - sum(dy * y)). */
export const SoftmaxGrad = defineKernel<NoAttrs>('SoftmaxGrad');
/** [x] -> log-softmax over the last axis. */
export const LogSoftmax = defineKernel<NoAttrs>('LogSoftmax');
/** [y, dy] -> dy - exp(y) * sum(dy). */
export const LogSoftmaxGrad = defineKernel<NoAttrs>('LogSoftmaxGrad');

/**
 * [logits [N, V], labels i32 [N], mask? [N]] -> [loss [], accuracy [], tokens i32 [], dlogits [N, V]?].
 * Mean token cross-entropy over rows whose label is not `ignoreIndex` and whose mask is non-zero;
 * accuracy = share of those rows whose first argmax equals the label. With `withGrad`, also the
 * gradient of the mean loss with respect to the logits (fused forward + backward).
 */
export const CrossEntropy = defineKernel<{ ignoreIndex: number; withGrad: boolean }>('CrossEntropy');

/**
 * [x [.., n], w [n]] -> [y, rstd [rows]]: y = x * rsqrt(mean(x^2) + eps) * (w + weightOffset).
 * weightOffset is 0 for Llama/Qwen2 and 1 for Gemma's (1 + w).
 */
export const RmsNorm = defineKernel<{ eps: number; weightOffset: number }>('RmsNorm');
/** [x, w, rstd, dy] -> [dx, dw]. */
export const RmsNormGrad = defineKernel<{ weightOffset: number }>('RmsNormGrad');
/** [x, w, b?] -> [y, mean [rows], rstd [rows]]. */
export const LayerNorm = defineKernel<{ eps: number }>('LayerNorm');
/** [x, w, mean, rstd, dy] -> [dx, dw, db]. */
export const LayerNormGrad = defineKernel<NoAttrs>('LayerNormGrad');

/** [x, indices i32] -> x.shape[:axis] + indices.shape + x.shape[axis+1:] (index_select / embedding). */
export const Gather = defineKernel<{ axis: number }>('Gather');
/** [dy, indices] -> dx of shape inShape, scatter-adding rows of dy (repeated indices add up). */
export const GatherGrad = defineKernel<{ axis: number; inShape: readonly number[] }>('GatherGrad');

/**
 * [x [B, T, H, D], positions? i32 [B, T]] -> RoPE with the Hugging Face rotate_half convention:
 * x * cos + rotate_half(x) * sin, angle = position * theta^(-2i/D), position = positionOffset + t
 * unless positions are given. `inverse` rotates by the negative angle (the backward).
 */
export const Rope = defineKernel<{ theta: number; positionOffset: number; inverse: boolean }>('Rope');

/**
 * [q [B, Tq, H, D], k [B, Tk, Hkv, D], v [B, Tk, Hkv, D], keyMask? i32 [B, Tk]] ->
 * [out [B, Tq, H, D], lse [B, H, Tq]]. Causal masking is bottom-right aligned: query i sees keys
 * j <= i + (Tk - Tq). A query row that sees no key gets output 0 and lse -Infinity.
 */
export const Attention = defineKernel<{ causal: boolean; scale: number }>('Attention');
/** [q, k, v, out, lse, dout, keyMask?] -> [dq, dk, dv]; probabilities are recomputed from lse. */
export const AttentionGrad = defineKernel<{ causal: boolean; scale: number }>('AttentionGrad');

/**
 * [a, b] -> alpha * op(a) @ op(b) with batch dimensions broadcast. op(a) = a^T when transA
 * (a is stored [.., K, M]); op(b) = b^T when transB (b is stored [.., N, K]).
 */
export const Matmul = defineKernel<{ transA: boolean; transB: boolean; alpha: number }>('Matmul');

/** [...xs] -> concatenation along axis. */
export const Concat = defineKernel<{ axis: number }>('Concat');
/** [dy] -> zeros of inShape with dy written at `starts` (the backward of slice). */
export const SliceGrad = defineKernel<{ inShape: readonly number[]; starts: readonly number[] }>('SliceGrad', {
  strided: true,
});
/** [cond, a, b] -> cond != 0 ? a : b, NumPy broadcasting of all three. */
export const Where = defineKernel<NoAttrs>('Where', { strided: true });
/**
 * [x] -> x * keep / (1 - p), keep = hash(seed, index) >= p. The mask is a pure function of
 * (seed, index), so the backward re-applies the same kernel to dy and nothing is stored.
 */
export const Dropout = defineKernel<{ p: number; seed: number }>('Dropout');

/** [dst, src] -> (none): dst += alpha * src. Gradient accumulation. */
export const AddInPlace = defineKernel<{ alpha: number }>('AddInPlace', { mutates: [0] });
/** [x] -> (none): x *= scale. Gradient clipping. */
export const ScaleInPlace = defineKernel<{ scale: number }>('ScaleInPlace', { mutates: [0] });
/** [x] -> f32 [] sum of squares (accumulated in f64). */
export const SumSquares = defineKernel<NoAttrs>('SumSquares');
/** [dst, src] -> (none): dst = src (same size, dst contiguous). */
export const Assign = defineKernel<NoAttrs>('Assign', { mutates: [0] });

export interface AdamWAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for the bias corrections. */
  step: number;
}
/** [param, grad, expAvg, expAvgSq] -> (none): one torch.optim.AdamW step in place. */
export const AdamWUpdate = defineKernel<AdamWAttrs>('AdamWUpdate', { mutates: [0, 2, 3] });

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
export const SgdUpdate = defineKernel<SgdAttrs>('SgdUpdate', { mutates: [0, 2] });
