/**
 * Self-attention block with grouped-query heads and RoPE, in the Hugging Face layout
 * (`q_proj`, `k_proj`, `v_proj`, `o_proj`, optional `q_norm` / `k_norm`), shared by the model
 * families: projection biases (Qwen2 on q/k/v; Llama's attention_bias on all four), per-head
 * RMSNorm of queries and keys before RoPE and a sliding window (Gemma 3).
 */
import type { RopeScaling } from '../kernels/shapes/rope-frequencies.js';
import { attention } from '../ops/attention.js';
import { rope } from '../ops/rope.js';
import { reshape } from '../ops/shape-ops.js';
import type { TrainingRng } from '../random/training-rng.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Init } from './init.js';
import { Linear, RMSNorm } from './layers.js';
import { Module } from './module.js';

export interface SelfAttentionOptions {
  hiddenSize: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  ropeTheta: number;
  /** RoPE frequency scaling (linear, llama3); default none. */
  ropeScaling?: RopeScaling;
  /** Biases on q/k/v projections (Qwen2; Llama with attention_bias). */
  qkvBias?: boolean;
  /** Bias on o_proj (Llama with attention_bias; not Qwen2). */
  outputBias?: boolean;
  /** Sliding window: each query sees the `window` most recent keys (Gemma 3 local layers); 0 = all. */
  window?: number;
  /** Per-head RMSNorm of q and k before RoPE (Gemma 3): eps and weight offset. */
  qkNorm?: { eps: number; weightOffset: number };
  /** Score scale; default 1 / sqrt(headDim). */
  scale?: number;
  init: Init;
  rng: TrainingRng;
}

export interface AttentionInputs {
  /** i32 [B, T] positions (else 0..T-1 plus positionOffset). */
  positions?: Tensor;
  positionOffset?: number;
  /** [B, Tk] key mask: 1 = token, 0 = padding (with a cache, Tk covers the cached keys too). */
  attentionMask?: Tensor;
  /** Keys and values of earlier positions (generation): this call's are appended and all are attended. */
  kvCache?: KeyValueCache;
}

/** Per attention module, the keys and values (after RoPE) of the positions seen so far. */
export interface KeyValueCache {
  /** Appends k, v [B, T, Hkv, D] to what `owner` stored and returns the whole [B, Tpast + T, Hkv, D]. */
  update(owner: object, k: Tensor, v: Tensor): [Tensor, Tensor];
}

export class SelfAttention extends Module {
  readonly q_proj: Linear;
  readonly k_proj: Linear;
  readonly v_proj: Linear;
  readonly o_proj: Linear;
  readonly q_norm: RMSNorm | undefined;
  readonly k_norm: RMSNorm | undefined;

  constructor(readonly options: SelfAttentionOptions) {
    super();
    const { hiddenSize: h, numHeads, numKvHeads, headDim, init, rng } = options;
    if (numHeads % numKvHeads !== 0) {
      throw new RangeError(
        `SelfAttention: num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}`,
      );
    }
    const bias = options.qkvBias ?? false;
    this.q_proj = this.addModule('q_proj', new Linear(h, numHeads * headDim, { bias, init, rng }));
    this.k_proj = this.addModule('k_proj', new Linear(h, numKvHeads * headDim, { bias, init, rng }));
    this.v_proj = this.addModule('v_proj', new Linear(h, numKvHeads * headDim, { bias, init, rng }));
    this.o_proj = this.addModule(
      'o_proj',
      new Linear(numHeads * headDim, h, { bias: options.outputBias ?? false, init, rng }),
    );
    const qk = options.qkNorm;
    this.q_norm = qk ? this.addModule('q_norm', new RMSNorm(headDim, qk)) : undefined;
    this.k_norm = qk ? this.addModule('k_norm', new RMSNorm(headDim, qk)) : undefined;
  }

  /** x [B, T, hidden] -> [B, T, hidden]. */
  forward(x: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => {
      const [b, t] = x.shape as [number, number];
      const { numHeads, numKvHeads, headDim, ropeTheta, ropeScaling } = this.options;
      let q = reshape(this.q_proj.forward(x), [b, t, numHeads, headDim]);
      let k = reshape(this.k_proj.forward(x), [b, t, numKvHeads, headDim]);
      const v = reshape(this.v_proj.forward(x), [b, t, numKvHeads, headDim]);
      if (this.q_norm && this.k_norm) {
        q = this.q_norm.forward(q);
        k = this.k_norm.forward(k);
      }
      const ropeOptions = {
        theta: ropeTheta,
        scaling: ropeScaling,
        positions: inputs.positions,
        positionOffset: inputs.positionOffset,
      };
      q = rope(q, ropeOptions);
      k = rope(k, ropeOptions);
      // Queries are the newest positions: bottom-right causal alignment lets them see the cache.
      const [keys, values] = inputs.kvCache ? inputs.kvCache.update(this, k, v) : [k, v];
      const a = attention(q, keys, values, {
        causal: true,
        keyMask: inputs.attentionMask,
        scale: this.options.scale,
        window: this.options.window ?? 0,
      });
      return this.o_proj.forward(reshape(a, [b, t, numHeads * headDim]));
    });
  }
}
