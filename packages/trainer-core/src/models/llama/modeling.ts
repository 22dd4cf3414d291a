/**
 * Llama-shaped decoders (Llama, Qwen2) whose parameter names are the Hugging Face checkpoint keys:
 * `model.embed_tokens.weight`, `model.layers.N.{input_layernorm, self_attn.{q,k,v,o}_proj,
 * post_attention_layernorm, mlp.{gate,up,down}_proj}.weight`, `model.norm.weight`, and
 * `lm_head.weight` unless the embeddings are tied.
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
import type { LlamaConfig } from './config.js';

export class LlamaDecoderLayer extends Module {
  readonly input_layernorm: RMSNorm;
  readonly self_attn: SelfAttention;
  readonly post_attention_layernorm: RMSNorm;
  readonly mlp: GatedMLP;

  constructor(config: LlamaConfig, layerIndex: number, rng: TrainingRng) {
    super();
    const init = normalInit(config.initializerRange);
    const h = config.hiddenSize;
    this.input_layernorm = this.addModule('input_layernorm', new RMSNorm(h, { eps: config.rmsNormEps }));
    this.self_attn = this.addModule(
      'self_attn',
      new SelfAttention({
        hiddenSize: h,
        numHeads: config.numHeads,
        numKvHeads: config.numKvHeads,
        headDim: config.headDim,
        ropeTheta: config.ropeTheta,
        ropeScaling: config.ropeScaling,
        qkvBias: config.qkvBias,
        outputBias: config.outputBias,
        window: config.layerWindows[layerIndex] ?? 0,
        init,
        rng,
      }),
    );
    this.post_attention_layernorm = this.addModule(
      'post_attention_layernorm',
      new RMSNorm(h, { eps: config.rmsNormEps }),
    );
    this.mlp = this.addModule(
      'mlp',
      new GatedMLP(h, config.intermediateSize, config.hiddenAct, { init, rng, bias: config.mlpBias }),
    );
  }

  forward(x: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => {
      const h = add(x, this.self_attn.forward(this.input_layernorm.forward(x), inputs));
      return add(h, this.mlp.forward(this.post_attention_layernorm.forward(h)));
    });
  }
}

/** The `model.` part: embeddings, layers, final norm. */
export class LlamaModel extends DecoderBody<LlamaDecoderLayer> {
  constructor(config: LlamaConfig, rng: TrainingRng) {
    super(
      config,
      {
        layer: (i) => new LlamaDecoderLayer(config, i, rng),
        norm: () => new RMSNorm(config.hiddenSize, { eps: config.rmsNormEps }),
      },
      rng,
    );
  }
}

/** `LlamaForCausalLM`: `model` + `lm_head` (or the embedding matrix when tied). */
export class LlamaForCausalLM extends DecoderForCausalLM<LlamaConfig, LlamaModel> {
  constructor(config: LlamaConfig, options: CausalLMOptions = {}) {
    super(config, (rng) => new LlamaModel(config, rng), options);
  }
}
