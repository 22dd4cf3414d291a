/**
 * Gemma 3 text decoder in transformers' layout (`Gemma3ForCausalLM`): (1 + w) RMSNorms, four
 * per layer (input, post_attention, pre_feedforward, post_feedforward), per-head q/k norms,
 * score scale query_pre_attn_scalar^-0.5, GeGLU MLP, embeddings scaled by sqrt(hidden_size),
 * sliding-window and full layers with their own RoPE bases, and a head tied to the embeddings.
 */

import { type AttentionInputs, SelfAttention } from '../../nn/attention.js';
import { normalInit } from '../../nn/init.js';
import { Embedding, Linear, RMSNorm } from '../../nn/layers.js';
import { GatedMLP } from '../../nn/mlp.js';
import { Module, ModuleList } from '../../nn/module.js';
import { add, scale } from '../../ops/elementwise.js';
import { linear } from '../../ops/matmul.js';
import { TrainingRng } from '../../random/training-rng.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CausalLMOptions } from '../causal-lm.js';
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

export class Gemma3TextModel extends Module {
  readonly embed_tokens: Embedding;
  readonly layers: ModuleList<Gemma3DecoderLayer>;
  readonly norm: RMSNorm;
  /** sqrt(hidden_size) rounded to f32, as transformers multiplies in the weights' dtype. */
  readonly embedScale: number;

  constructor(config: Gemma3TextConfig, rng: TrainingRng) {
    super();
    const init = normalInit(config.initializerRange);
    this.embed_tokens = this.addModule(
      'embed_tokens',
      new Embedding(config.vocabSize, config.hiddenSize, { init, rng }),
    );
    const layers = Array.from({ length: config.numLayers }, (_, i) => new Gemma3DecoderLayer(config, i, rng));
    this.layers = this.addModule('layers', new ModuleList(layers));
    this.norm = this.addModule('norm', gemmaNorm(config.hiddenSize, config.rmsNormEps));
    this.embedScale = Math.fround(Math.sqrt(config.hiddenSize));
  }

  forward(ids: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => {
      let x = scale(this.embed_tokens.forward(ids), this.embedScale);
      for (const layer of this.layers.items) x = layer.forward(x, inputs);
      return this.norm.forward(x);
    });
  }
}

export class Gemma3ForCausalLM extends Module {
  readonly model: Gemma3TextModel;
  readonly lm_head: Linear | undefined;

  constructor(
    readonly config: Gemma3TextConfig,
    options: CausalLMOptions = {},
  ) {
    super();
    const rng = new TrainingRng(options.seed ?? 0);
    this.model = this.addModule('model', new Gemma3TextModel(config, rng));
    this.lm_head = config.tieWordEmbeddings
      ? undefined
      : this.addModule(
          'lm_head',
          new Linear(config.hiddenSize, config.vocabSize, { init: normalInit(config.initializerRange), rng }),
        );
  }

  forward(ids: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => {
      const h = this.model.forward(ids, inputs);
      return this.lm_head ? this.lm_head.forward(h) : linear(h, this.model.embed_tokens.weight);
    });
  }
}
