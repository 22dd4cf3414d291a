/**
 * The contract between the CPU backend's op implementations (tensor/autograd side) and the
 * fast WebAssembly SIMD kernels that run on all cores (backend/cpu/wasm, backend/cpu/threads).
 *
 * Every pointer is a byte offset into the one shared `CpuHeap` memory; every buffer is f32,
 * row-major and contiguous unless a stride says otherwise. Calls are synchronous: the calling
 * thread takes part in the work and returns when every worker is done, so the tensor code stays
 * synchronous on the CPU. A reference implementation in plain TypeScript exists for every
 * kernel and is the oracle in tests; `CpuFastKernels` may be absent (then the reference runs).
 *
 * The kernel side owns this file after the first version and may add kernels; changing the
 * meaning of an existing field needs both sides updated in the same commit.
 */

import type { AdamWAttrs } from '../../kernels/optim.js';
import type { AttentionDims } from '../../kernels/shapes/attention-dims.js';
import type { RopeScaling } from '../../kernels/shapes/rope-frequencies.js';

/** C[b] = alpha * op(A[b]) @ op(B[b]) (+ C[b] when accumulate), for b < batch. */
export interface MatmulArgs {
  a: number;
  b: number;
  c: number;
  m: number;
  n: number;
  k: number;
  /** A is stored [k, m] and used transposed. */
  transA: boolean;
  /** B is stored [n, k] and used transposed (the `x @ W^T` of a Linear layer). */
  transB: boolean;
  batch: number;
  /** Element strides between consecutive batch items; 0 broadcasts that operand. */
  strideA: number;
  strideB: number;
  strideC: number;
  accumulate: boolean;
  alpha: number;
}

/**
 * Fused scaled-dot-product attention over [batch, seq, heads, headDim] layouts (the natural
 * output of the q/k/v projections, so no transposes are materialised). Grouped-query attention:
 * query head h reads key/value head floor(h / (heads / kvHeads)). The sizes, scale and causal
 * flag are the definition's `AttentionDims`; there is no sliding window (the CPU kernel runs the
 * reference where a window cuts keys off).
 */
export interface AttentionArgs extends Omit<AttentionDims, 'window'> {
  q: number;
  k: number;
  v: number;
  /** Output, [batch, tq, heads, headDim]. */
  out: number;
  /** Row log-sum-exp of the scaled scores, [batch, heads, tq]; saved for the backward. */
  lse: number;
  /** Optional i32 [batch, tk] key mask (1 = attend, 0 = padding); 0 pointer = no mask. */
  keyMask: number;
}

export interface AttentionBackwardArgs extends AttentionArgs {
  dout: number;
  /** Gradients, written (not accumulated), same layouts as q/k/v. */
  dq: number;
  dk: number;
  dv: number;
}

/** Element-wise binary arithmetic over n contiguous f32 (same shapes, no broadcasting). */
export interface BinaryArgs {
  op: 'add' | 'sub' | 'mul' | 'div';
  a: number;
  b: number;
  out: number;
  n: number;
}

/** dst[i] += alpha * src[i] over n contiguous f32 (gradient accumulation). */
export interface AddInPlaceArgs {
  dst: number;
  src: number;
  n: number;
  alpha: number;
}

/** out = act(gate) * up over n contiguous f32: SwiGLU ('silu') or GeGLU ('gelu', tanh approximation). */
export interface GatedActArgs {
  act: 'silu' | 'gelu';
  gate: number;
  up: number;
  out: number;
  n: number;
}

/** Gradients of GatedAct: dgate and dup written from gate, up and dy. */
export interface GatedActGradArgs {
  act: 'silu' | 'gelu';
  gate: number;
  up: number;
  dy: number;
  dgate: number;
  dup: number;
  n: number;
}

/** y = x * rsqrt(mean(x^2) + eps) * (w + weightOffset) per row of `dim`; rstd [rows] saved. */
export interface RmsNormArgs {
  x: number;
  weight: number;
  out: number;
  rstd: number;
  rows: number;
  dim: number;
  eps: number;
  weightOffset: number;
}

/** RMSNorm backward: dx written; dw (sum over rows) written unless its pointer is 0. */
export interface RmsNormGradArgs {
  x: number;
  weight: number;
  rstd: number;
  dy: number;
  dx: number;
  dw: number;
  rows: number;
  dim: number;
  weightOffset: number;
}

/**
 * Fused token cross-entropy over `rows` rows of `vocab` logits with i32 labels: rows whose label
 * is the ignore index, or whose i32 mask value is 0 (mask pointer 0 = no mask), are left out.
 * Writes dlogits = (softmax - onehot) / tokens (0 for left-out rows) unless its pointer is 0.
 * Rows whose label lies outside [0, vocab) are left out too.
 */
export interface CrossEntropyArgs {
  logits: number;
  labels: number;
  mask: number;
  rows: number;
  vocab: number;
  ignoreIndex: number;
  dlogits: number;
}

export interface CrossEntropyStats {
  /** Mean loss over the counted tokens (0 when none). */
  loss: number;
  /** Share of counted tokens whose first argmax is the label. */
  accuracy: number;
  tokens: number;
}

/**
 * Rotary embedding (Hugging Face rotate_half) of x [batch, seq, heads, dim] into out: position
 * positions[b * seq + t] (i32; pointer 0 = positionOffset + t); `inverse` rotates by -angle.
 */
export interface RopeArgs {
  x: number;
  out: number;
  batch: number;
  seq: number;
  heads: number;
  dim: number;
  theta: number;
  positions: number;
  positionOffset: number;
  inverse: boolean;
  /** Frequency scaling (default none). */
  scaling?: RopeScaling;
}

/** torch.optim.AdamW's update of one parameter, in place on param, expAvg and expAvgSq. */
export interface AdamWArgs extends AdamWAttrs {
  param: number;
  grad: number;
  expAvg: number;
  expAvgSq: number;
  n: number;
}

/**
 * out[m, n] = x[m, k] @ op(W) for a 4-bit block-quantized W (bitsandbytes' NF4 layout: element i
 * of the flattened weight is code[nibble i] * scale[i >> blockShift], nibble 2j the high half of
 * byte j). wT: W is stored [n, k] and used transposed (a Linear's forward); otherwise W is [k, n].
 * The scale is the f32 absmax, or with double quantization (nestedAbsmax != 0) the u8 absmax code
 * decoded as nestedCode[q] * nestedAbsmax[b >> nestedShift] + offset.
 */
export interface Nf4MatmulArgs {
  x: number;
  /** Packed codes, (n * k + 1) / 2 bytes. */
  w: number;
  /** f32[16]. */
  code: number;
  absmax: number;
  /** 0 without double quantization. */
  nestedAbsmax: number;
  nestedCode: number;
  out: number;
  m: number;
  n: number;
  k: number;
  wT: boolean;
  blocksize: number;
  nestedBlocksize: number;
  offset: number;
}

export interface CpuFastKernels {
  /** Number of threads kernels run on (the calling thread included). */
  readonly threads: number;
  /** Whether the module uses relaxed-SIMD FMA (`f32x4.relaxed_madd`) or the mul+add fallback. */
  readonly fma: boolean;
  matmul(args: MatmulArgs): void;
  nf4Matmul(args: Nf4MatmulArgs): void;
  attention(args: AttentionArgs): void;
  attentionBackward(args: AttentionBackwardArgs): void;
  binary(args: BinaryArgs): void;
  addInPlace(args: AddInPlaceArgs): void;
  gatedAct(args: GatedActArgs): void;
  gatedActGrad(args: GatedActGradArgs): void;
  rmsNorm(args: RmsNormArgs): void;
  rmsNormGrad(args: RmsNormGradArgs): void;
  crossEntropy(args: CrossEntropyArgs): CrossEntropyStats;
  rope(args: RopeArgs): void;
  adamw(args: AdamWArgs): void;
  /** Stops the worker threads; the object is unusable afterwards. */
  dispose(): void;
}
