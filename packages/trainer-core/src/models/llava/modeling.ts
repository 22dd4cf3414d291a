/**
 * LlavaForConditionalGeneration in transformers' saved layout: `vision_tower.vision_model.*`
 * (SigLIP), `multi_modal_projector.linear_{1,2}.*` and the text model under `language_model.`
 * (`language_model.model.*`, `language_model.lm_head.weight`), the keys `save_pretrained`
 * writes. The projector maps the selected vision hidden states to the text width; the embeddings
 * at image-token positions are replaced by the image features, in order (masked_scatter).
 */

import type { AttentionInputs } from '../../nn/attention.js';
import { normalInit } from '../../nn/init.js';
import { Linear } from '../../nn/layers.js';
import { Module } from '../../nn/module.js';
import { tensor } from '../../ops/create.js';
import { gelu } from '../../ops/elementwise.js';
import { gather } from '../../ops/indexing.js';
import { concat, narrow, reshape } from '../../ops/shape-ops.js';
import { TrainingRng } from '../../random/training-rng.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CausalLM, CausalLMOptions } from '../causal-lm.js';
import type { DecoderDims } from '../config-common.js';
import { type DecoderBody, DecoderForCausalLM, type DecoderLayerModule } from '../decoder-base.js';
import { SiglipVisionModel } from '../siglip/modeling.js';
import type { LlavaConfig } from './config.js';

export interface VisionInputs extends AttentionInputs {
  /** Preprocessed images [images, C, S, S], one per `<image>` run in `ids`, in order. */
  pixelValues?: Tensor;
  /**
   * The ids as host data (row-major [B, T]), where the image tokens are looked up. Without it
   * they are read from `ids`, which only a host-memory backend (the CPU) does without a stall.
   */
  hostIds?: Int32Array;
  /**
   * Which row of `pixelValues` each `<image>` run uses, in order; absent: one row each, in order.
   * Rows that show the same screenshot (DPO's chosen and rejected rows) then encode it once, and
   * its features' gradients add up.
   */
  imageRows?: Int32Array;
}

export class LlavaMultiModalProjector extends Module {
  readonly linear_1: Linear;
  readonly linear_2: Linear;

  constructor(config: LlavaConfig, rng: TrainingRng) {
    super();
    const init = normalInit(config.initializerRange);
    const inFeatures = config.vision.hiddenSize * config.featureLayers.length;
    const bias = config.projectorBias;
    this.linear_1 = this.addModule('linear_1', new Linear(inFeatures, config.hiddenSize, { bias, init, rng }));
    this.linear_2 = this.addModule('linear_2', new Linear(config.hiddenSize, config.hiddenSize, { bias, init, rng }));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.linear_2.forward(gelu(this.linear_1.forward(x))));
  }
}

/**
 * For each position of `ids`, the row of concat([text embeddings, image features]) it takes: its
 * own text row, or the next image feature row where the id is the image token.
 */
export function imageScatterIndex(ids: Int32Array, imageTokenIndex: number, featureRows: number): Int32Array {
  const index = new Int32Array(ids.length);
  let next = 0;
  for (let i = 0; i < ids.length; i++) index[i] = ids[i] === imageTokenIndex ? ids.length + next++ : i;
  if (next !== featureRows) {
    throw new RangeError(`Image features and image tokens do not match: tokens: ${next}, features ${featureRows}`);
  }
  return index;
}

export class LlavaForConditionalGeneration extends Module implements CausalLM {
  readonly vision_tower: SiglipVisionModel;
  readonly multi_modal_projector: LlavaMultiModalProjector;
  readonly language_model: DecoderForCausalLM<DecoderDims, DecoderBody<DecoderLayerModule>>;

  constructor(
    readonly config: LlavaConfig,
    options: CausalLMOptions = {},
  ) {
    super();
    // One seed draws the vision tower and projector, then seeds the text model.
    const rng = new TrainingRng(options.seed ?? 0);
    this.vision_tower = this.addModule('vision_tower', new SiglipVisionModel(config.vision, rng));
    this.multi_modal_projector = this.addModule('multi_modal_projector', new LlavaMultiModalProjector(config, rng));
    const text = config.text.create(rng.nextSeed());
    if (!(text instanceof DecoderForCausalLM)) {
      throw new TypeError(`llava: text model ${config.text.config.modelType} does not take input embeddings`);
    }
    this.language_model = this.addModule('language_model', text);
  }

  /** pixels [images, C, S, S] -> projected features [images, tokensPerImage, text hidden]. */
  imageFeatures(pixels: Tensor): Tensor {
    return tidy(() => {
      const tower = this.vision_tower.vision_model;
      const states = this.config.featureLayers.map((i) => tower.hiddenState(pixels, i));
      let selected = concat(states, -1);
      if (this.config.selectStrategy === 'default') {
        selected = narrow(selected, 1, 1, selected.shape[1]! - 1);
      }
      return this.multi_modal_projector.forward(selected);
    });
  }

  /** i32 ids [B, T] (with image tokens where pixelValues' features go) -> logits [B, T, vocab]. */
  forward(ids: Tensor, inputs: VisionInputs = {}): Tensor {
    return tidy(() => {
      const { pixelValues, hostIds, imageRows, ...attention } = inputs;
      let x = this.language_model.model.embed(ids);
      if (pixelValues) x = this.mergeImages(x, ids, pixelValues, hostIds, imageRows);
      return this.language_model.forwardEmbeddings(x, attention);
    });
  }

  private mergeImages(
    embeds: Tensor,
    ids: Tensor,
    pixels: Tensor,
    hostIds: Int32Array | undefined,
    imageRows: Int32Array | undefined,
  ): Tensor {
    const [b, t, h] = embeds.shape as [number, number, number];
    if (!hostIds && !ids.backend.downloadSync) {
      throw new Error(
        `llava: pass inputs.hostIds (the ids as host data) with pixelValues: the ${ids.device} backend cannot read ids back without a stall`,
      );
    }
    const host = hostIds ?? (ids.dataSync() as Int32Array);
    if (host.length !== b * t) {
      throw new RangeError(`llava: hostIds has ${host.length} ids, the batch is ${b} x ${t}`);
    }
    let encoded = this.imageFeatures(pixels);
    if (imageRows) {
      const images = encoded.shape[0]!;
      if (imageRows.some((r) => r < 0 || r >= images)) {
        throw new RangeError(
          `llava: imageRows must index the ${images} pixelValues rows, got [${imageRows.join(', ')}]`,
        );
      }
      encoded = gather(encoded, tensor(imageRows, [imageRows.length], 'i32', { backend: embeds.backend }), 0);
    }
    const features = reshape(encoded, [-1, h]);
    const index = imageScatterIndex(host, this.config.imageTokenIndex, features.shape[0]!);
    const rows = concat([reshape(embeds, [b * t, h]), features], 0);
    return reshape(gather(rows, tensor(index, [b * t], 'i32', { backend: embeds.backend }), 0), [b, t, h]);
  }
}
