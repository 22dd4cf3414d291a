/**
 * The skeleton every decoder family shares: `model.{embed_tokens, layers.N, norm}` and a causal-LM
 * head (`lm_head`, or the embedding matrix when tied). Families differ in their layer class, their
 * norm and whether embeddings are scaled; they pass those in.
 */
import type { AttentionInputs } from '../nn/attention.js';
import { normalInit } from '../nn/init.js';
import { Embedding, Linear, type RMSNorm } from '../nn/layers.js';
import { Module, ModuleList } from '../nn/module.js';
import { scale } from '../ops/elementwise.js';
import { linear } from '../ops/matmul.js';
import { TrainingRng } from '../random/training-rng.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CausalLMOptions } from './causal-lm.js';
import type { DecoderDims } from './config-common.js';

export interface DecoderLayerModule extends Module {
  forward(x: Tensor, inputs: AttentionInputs): Tensor;
}

export interface DecoderParts<L extends DecoderLayerModule> {
  layer: (index: number) => L;
  norm: () => RMSNorm;
  /** Multiplier of the token embeddings (Gemma: sqrt(hidden_size) in the weights' dtype). */
  embedScale?: number;
}

/** The `model.` part: embeddings, layers, final norm. */
export class DecoderBody<L extends DecoderLayerModule> extends Module {
  readonly embed_tokens: Embedding;
  readonly layers: ModuleList<L>;
  readonly norm: RMSNorm;
  readonly embedScale: number | undefined;

  constructor(dims: DecoderDims, parts: DecoderParts<L>, rng: TrainingRng) {
    super();
    const init = normalInit(dims.initializerRange);
    this.embed_tokens = this.addModule('embed_tokens', new Embedding(dims.vocabSize, dims.hiddenSize, { init, rng }));
    this.layers = this.addModule(
      'layers',
      new ModuleList(Array.from({ length: dims.numLayers }, (_, i) => parts.layer(i))),
    );
    this.norm = this.addModule('norm', parts.norm());
    this.embedScale = parts.embedScale;
  }

  /** i32 ids [B, T] -> final hidden states [B, T, hidden]. */
  forward(ids: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => this.forwardEmbeddings(this.embed(ids), inputs));
  }

  /** The input embeddings of ids (scaled where the family scales them), what `inputs_embeds` holds. */
  embed(ids: Tensor): Tensor {
    return tidy(() => {
      const x = this.embed_tokens.forward(ids);
      return this.embedScale === undefined ? x : scale(x, this.embedScale);
    });
  }

  /** Input embeddings [B, T, hidden] (a vision model's merged ones) -> final hidden states. */
  forwardEmbeddings(x: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => {
      let h = x;
      for (const layer of this.layers.items) h = layer.forward(h, inputs);
      return this.norm.forward(h);
    });
  }
}

/** `<Family>ForCausalLM`: `model` + `lm_head` (or the embedding matrix when tied). */
export class DecoderForCausalLM<C extends DecoderDims, B extends DecoderBody<DecoderLayerModule>> extends Module {
  readonly model: B;
  readonly lm_head: Linear | undefined;

  constructor(
    readonly config: C,
    body: (rng: TrainingRng) => B,
    options: CausalLMOptions = {},
  ) {
    super();
    // Parameters are drawn in checkpoint-key order from one generator.
    const rng = new TrainingRng(options.seed ?? 0);
    this.model = this.addModule('model', body(rng));
    this.lm_head = config.tieWordEmbeddings
      ? undefined
      : this.addModule(
          'lm_head',
          new Linear(config.hiddenSize, config.vocabSize, { init: normalInit(config.initializerRange), rng }),
        );
  }

  /** i32 ids [B, T] -> logits [B, T, vocab]. */
  forward(ids: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => this.head(this.model.forward(ids, inputs)));
  }

  /** Input embeddings [B, T, hidden] -> logits [B, T, vocab]. */
  forwardEmbeddings(x: Tensor, inputs: AttentionInputs = {}): Tensor {
    return tidy(() => this.head(this.model.forwardEmbeddings(x, inputs)));
  }

  private head(h: Tensor): Tensor {
    return this.lm_head ? this.lm_head.forward(h) : linear(h, this.model.embed_tokens.weight);
  }
}
