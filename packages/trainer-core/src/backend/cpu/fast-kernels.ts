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
 * query head h reads key/value head floor(h / (heads / kvHeads)).
 */
export interface AttentionArgs {
  q: number;
  k: number;
  v: number;
  /** Output, [batch, tq, heads, headDim]. */
  out: number;
  /** Row log-sum-exp of the scaled scores, [batch, heads, tq]; saved for the backward. */
  lse: number;
  batch: number;
  heads: number;
  kvHeads: number;
  tq: number;
  tk: number;
  headDim: number;
  scale: number;
  causal: boolean;
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

export interface CpuFastKernels {
  /** Number of threads kernels run on (the calling thread included). */
  readonly threads: number;
  /** Whether the module uses relaxed-SIMD FMA (`f32x4.relaxed_madd`) or the mul+add fallback. */
  readonly fma: boolean;
  matmul(args: MatmulArgs): void;
  attention(args: AttentionArgs): void;
  attentionBackward(args: AttentionBackwardArgs): void;
  /** Stops the worker threads; the object is unusable afterwards. */
  dispose(): void;
}
