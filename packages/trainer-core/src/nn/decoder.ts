/**
 * A Llama-style decoder whose parameter names are the Hugging Face checkpoint keys:
 * `model.embed_tokens.weight`, `model.layers.N.{input_layernorm, self_attn.{q,k,v,o}_proj,
 * post_attention_layernorm, mlp.{gate,up,down}_proj}.weight`, `model.norm.weight`, and
 * `lm_head.weight` unless the embeddings are tied.
 */
import { add, scale } from '../ops/elementwise.js';
import { linear } from '../ops/matmul.js';
import { Rng } from '../random/rng.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { type AttentionInputs, SelfAttention } from './attention.js';
import type { DecoderConfig } from './config.js';
import { normalInit } from './init.js';
import { Embedding, Linear, RMSNorm } from './layers.js';
import { GatedMLP } from './mlp.js';
import { Module, ModuleList } from './module.js';

/** Architecture switches beyond config.json (set by the model families: Gemma, ...). */
export interface DecoderVariant {
  /** RMSNorm weight offset: 1 for Gemma's (1 + w). */
  normWeightOffset?: number;
  /** Per-head q/k RMSNorm before RoPE (Gemma 3). */
  qkNorm?: boolean;
  /** Multiplier of the token embeddings (Gemma: sqrt(hidden_size)). */
  embedScale?: number;
  /** Attention score scale (Gemma: query_pre_attn_scalar^-0.5); default 1 / sqrt(head_dim). */
  attentionScale?: number;
}

export class DecoderLayer extends Module {
  readonly input_layernorm: RMSNorm;
  readonly self_attn: SelfAttention;
  readonly post_attention_layernorm: RMSNorm;
  readonly mlp: GatedMLP;

  constructor(config: DecoderConfig, variant: DecoderVariant, rng: Rng) {
    super();
    const init = normalInit(config.initializerRange);
    const norm = { eps: config.rmsNormEps, weightOffset: variant.normWeightOffset ?? 0 };
    this.input_layernorm = this.addModule('input_layernorm', new RMSNorm(config.hiddenSize, norm));
    this.self_attn = this.addModule(
      'self_attn',
      new SelfAttention({
        hiddenSize: config.hiddenSize,
        numHeads: config.numHeads,
        numKvHeads: config.numKvHeads,
        headDim: config.headDim,
        ropeTheta: config.ropeTheta,
        qkvBias: config.qkvBias,
        qkNorm: variant.qkNorm ? norm : undefined,
        scale: variant.attentionScale,
        init,
        rng,
      }),
    );
    this.post_attention_layernorm = this.addModule('post_attention_layernorm', new RMSNorm(config.hiddenSize, norm));
    this.mlp = this.addModule(
      'mlp',
      new GatedMLP(config.hiddenSize, config.intermediateSize, config.hiddenAct, { init, rng }),
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
export class DecoderModel extends Module {
  readonly embed_tokens: Embedding;
  readonly layers: ModuleList<DecoderLayer>;
  readonly norm: RMSNorm;

  constructor(
    readonly config: DecoderConfig,
    readonly variant: DecoderVariant,
    rng: Rng,
  ) {
    super();
    const init = normalInit(config.initializerRange);
    this.embed_tokens = this.addModule(
      'embed_tokens',
      new Embedding(config.vocabSize, config.hiddenSize, { init, rng }),
    );
    const layers = Array.from({ length: config.numLayers }, () => new DecoderLayer(config, variant, rng));
    this.layers = this.addModule('layers', new ModuleList(layers));
    this.norm = this.addModule(
      'norm',
      new RMSNorm(config.hiddenSize, { eps: config.rmsNormEps, weightOffset: variant.normWeightOffset ?? 0 }),
    );
  }

  /** i32 ids [B, T] -> final hidden states [B, T, hidden]. */
  forward(ids: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => {
      let x = this.embed_tokens.forward(ids);
      if (this.variant.embedScale !== undefined) x = scale(x, this.variant.embedScale);
      for (const layer of this.layers.items) x = layer.forward(x, inputs);
      return this.norm.forward(x);
    });
  }
}

export interface CausalLMOptions {
  /** Seed of the initialisation (parameters are drawn in checkpoint-key order). */
  seed?: number;
  variant?: DecoderVariant;
}

/** `LlamaForCausalLM`-like: `model` + `lm_head` (or the embedding matrix when tied). */
export class DecoderForCausalLM extends Module {
  readonly model: DecoderModel;
  readonly lm_head: Linear | undefined;

  constructor(
    readonly config: DecoderConfig,
    options: CausalLMOptions = {},
  ) {
    super();
    const rng = new Rng(options.seed ?? 0);
    this.model = this.addModule('model', new DecoderModel(config, options.variant ?? {}, rng));
    this.lm_head = config.tieWordEmbeddings
      ? undefined
      : this.addModule(
          'lm_head',
          new Linear(config.hiddenSize, config.vocabSize, { init: normalInit(config.initializerRange), rng }),
        );
  }

  /** i32 ids [B, T] -> logits [B, T, vocab]. */
  forward(ids: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => {
      const h = this.model.forward(ids, inputs);
      return this.lm_head ? this.lm_head.forward(h) : linear(h, this.model.embed_tokens.weight);
    });
  }
}
