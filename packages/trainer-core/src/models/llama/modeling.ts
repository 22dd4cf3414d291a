/**
 * Llama-shaped decoders (Llama, Qwen2) whose parameter names are the Hugging Face checkpoint keys:
 * `model.embed_tokens.weight`, `model.layers.N.{input_layernorm, self_attn.{q,k,v,o}_proj,
 * post_attention_layernorm, mlp.{gate,up,down}_proj}.weight`, `model.norm.weight`, and
 * `lm_head.weight` unless the embeddings are tied.
 */

import { type AttentionInputs, SelfAttention } from '../../nn/attention.js';
import { normalInit } from '../../nn/init.js';
import { Embedding, Linear, RMSNorm } from '../../nn/layers.js';
import { GatedMLP } from '../../nn/mlp.js';
import { Module, ModuleList } from '../../nn/module.js';
import { add } from '../../ops/elementwise.js';
import { linear } from '../../ops/matmul.js';
import { TrainingRng } from '../../random/training-rng.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CausalLMOptions } from '../causal-lm.js';
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
export class LlamaModel extends Module {
  readonly embed_tokens: Embedding;
  readonly layers: ModuleList<LlamaDecoderLayer>;
  readonly norm: RMSNorm;

  constructor(config: LlamaConfig, rng: TrainingRng) {
    super();
    const init = normalInit(config.initializerRange);
    this.embed_tokens = this.addModule(
      'embed_tokens',
      new Embedding(config.vocabSize, config.hiddenSize, { init, rng }),
    );
    const layers = Array.from({ length: config.numLayers }, (_, i) => new LlamaDecoderLayer(config, i, rng));
    this.layers = this.addModule('layers', new ModuleList(layers));
    this.norm = this.addModule('norm', new RMSNorm(config.hiddenSize, { eps: config.rmsNormEps }));
  }

  /** i32 ids [B, T] -> final hidden states [B, T, hidden]. */
  forward(ids: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => {
      let x = this.embed_tokens.forward(ids);
      for (const layer of this.layers.items) x = layer.forward(x, inputs);
      return this.norm.forward(x);
    });
  }
}

/** `LlamaForCausalLM`: `model` + `lm_head` (or the embedding matrix when tied). */
export class LlamaForCausalLM extends Module {
  readonly model: LlamaModel;
  readonly lm_head: Linear | undefined;

  constructor(
    readonly config: LlamaConfig,
    options: CausalLMOptions = {},
  ) {
    super();
    // Parameters are drawn in checkpoint-key order from one generator.
    const rng = new TrainingRng(options.seed ?? 0);
    this.model = this.addModule('model', new LlamaModel(config, rng));
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
