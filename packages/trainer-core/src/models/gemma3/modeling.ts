/**
 * Gemma 3 text decoder in transformers' layout (`Gemma3ForCausalLM`): (1 + w) RMSNorms, four
 * per layer (input, post_attention, pre_feedforward, post_feedforward), per-head q/k norms,
 * score scale query_pre_attn_scalar^-0.5, GeGLU MLP, embeddings scaled by sqrt(hidden_size),
 * sliding-window and full layers with their own RoPE bases, and a head tied to the embeddings.
 */

import { type AttentionInputs, SelfAttention } from '../../nn/attention.js';
import { normalInit } from '../../nn/init.js';
import { RMSNorm } from '../../nn/layers.js';
import { GatedMLP } from '../../nn/mlp.js';
import { Module } from '../../nn/module.js';
import { add } from '../../ops/elementwise.js';
import type { TrainingRng } from '../../random/training-rng.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CausalLMOptions } from '../causal-lm.js';
import { DecoderBody, DecoderForCausalLM } from '../decoder-base.js';
import type { Gemma3TextConfig } from './config.js';

/** Gemma's norm: x * rsqrt(mean(x^2) + eps) * (1 + w), w initialised to 0. */
function gemmaNorm(dim: number, eps: number): RMSNorm {
  return new RMSNorm(dim, { eps, weightOffset: 1 });
}

export class Gemma3DecoderLayer extends Module {
  readonly input_layernorm: RMSNorm;
  readonly self_attn: SelfAttention;
  readonly post_attention_layernorm: RMSNorm;
  readonly pre_feedforward_layernorm: RMSNorm;
  readonly post_feedforward_layernorm: RMSNorm;
  readonly mlp: GatedMLP;

  constructor(config: Gemma3TextConfig, layerIndex: number, rng: TrainingRng) {
    super();
    const init = normalInit(config.initializerRange);
    const { hiddenSize: h, rmsNormEps: eps } = config;
    const spec = config.layers[layerIndex]!;
    this.input_layernorm = this.addModule('input_layernorm', gemmaNorm(h, eps));
    this.self_attn = this.addModule(
      'self_attn',
      new SelfAttention({
        hiddenSize: h,
        numHeads: config.numHeads,
        numKvHeads: config.numKvHeads,
        headDim: config.headDim,
        ropeTheta: spec.ropeTheta,
        ropeScaling: spec.ropeScaling,
        qkNorm: { eps, weightOffset: 1 },
        scale: config.attentionScale,
        window: spec.window,
        init,
        rng,
      }),
    );
    this.post_attention_layernorm = this.addModule('post_attention_layernorm', gemmaNorm(h, eps));
    this.pre_feedforward_layernorm = this.addModule('pre_feedforward_layernorm', gemmaNorm(h, eps));
    this.post_feedforward_layernorm = this.addModule('post_feedforward_layernorm', gemmaNorm(h, eps));
    this.mlp = this.addModule('mlp', new GatedMLP(h, config.intermediateSize, config.hiddenAct, { init, rng }));
  }

  forward(x: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => {
      const attn = this.post_attention_layernorm.forward(
        this.self_attn.forward(this.input_layernorm.forward(x), inputs),
      );
      const h = add(x, attn);
      const ff = this.post_feedforward_layernorm.forward(this.mlp.forward(this.pre_feedforward_layernorm.forward(h)));
      return add(h, ff);
    });
  }
}

export class Gemma3TextModel extends DecoderBody<Gemma3DecoderLayer> {
  constructor(config: Gemma3TextConfig, rng: TrainingRng) {
    super(
      config,
      {
        layer: (i) => new Gemma3DecoderLayer(config, i, rng),
        norm: () => gemmaNorm(config.hiddenSize, config.rmsNormEps),
        // sqrt(hidden_size) rounded to f32: transformers multiplies in the weights' dtype.
        embedScale: Math.fround(Math.sqrt(config.hiddenSize)),
      },
      rng,
    );
  }
}

export class Gemma3ForCausalLM extends DecoderForCausalLM<Gemma3TextConfig, Gemma3TextModel> {
  constructor(config: Gemma3TextConfig, options: CausalLMOptions = {}) {
    super(config, (rng) => new Gemma3TextModel(config, rng), options);
  }
}
