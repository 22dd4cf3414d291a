/**
 * config.json of `model_type: "llava"` (transformers' LlavaConfig): a SigLIP `vision_config`, a
 * decoder `text_config` (any family guinav builds, Llama by default), the image token, the
 * projector's activation and bias, and which vision hidden state(s) feed the projector.
 */
import { z } from 'zod';
import type { CausalLM } from '../causal-lm.js';
import { configError, type DecoderDims, parseConfigJson } from '../config-common.js';
import { parseSiglipVisionConfig, type SiglipVisionConfig, TANH_GELU_NAMES } from '../siglip/config.js';

export const LlavaConfigSchema = z
  .object({
    model_type: z.literal('llava'),
    vision_config: z.record(z.string(), z.unknown()),
    text_config: z.record(z.string(), z.unknown()).default({}),
    image_token_index: z.number().int().nonnegative().nullish(),
    /** Alias of image_token_index (transformers' attribute_map). */
    image_token_id: z.number().int().nonnegative().nullish(),
    projector_hidden_act: z.string().default('gelu'),
    vision_feature_select_strategy: z.enum(['default', 'full']).default('default'),
    vision_feature_layer: z.union([z.number().int(), z.array(z.number().int()).min(1)]).default(-2),
    image_seq_length: z.number().int().positive().nullish(),
    multimodal_projector_bias: z.boolean().default(true),
    tie_word_embeddings: z.boolean().nullish(),
  })
  .loose();

export type LlavaConfigJson = z.input<typeof LlavaConfigSchema>;

/** The text model's config as its family resolved it, and how to build it. */
export interface LlavaTextPart {
  config: DecoderDims & { modelType: string };
  create: (seed: number) => CausalLM;
}

export interface LlavaConfig extends DecoderDims {
  modelType: 'llava';
  vision: SiglipVisionConfig;
  text: LlavaTextPart;
  imageTokenIndex: number;
  /** Vision hidden states concatenated (feature-wise) into the projector, `hidden_states[i]` each. */
  featureLayers: number[];
  /** "default" drops each image's first feature row (a CLS token); "full" keeps all. */
  selectStrategy: 'default' | 'full';
  /** Image tokens per image the processor expands `<image>` to. */
  tokensPerImage: number;
  projectorBias: boolean;
}

/** Builds the text model of a text_config object (a family lookup, passed in to avoid an import cycle). */
export type TextModelFactory = (textConfig: Record<string, unknown>, source: string) => LlavaTextPart;

export function parseLlavaConfig(json: unknown, textFactory: TextModelFactory, source = 'config.json'): LlavaConfig {
  const c = parseConfigJson(LlavaConfigSchema, json, source);
  const visionType = c.vision_config.model_type ?? 'clip_vision_model';
  if (visionType !== 'siglip_vision_model') {
    throw configError(
      source,
      'vision_config.model_type',
      `${JSON.stringify(visionType)} is not supported (guinav builds "siglip_vision_model" vision towers)`,
    );
  }
  if (!(TANH_GELU_NAMES as readonly string[]).includes(c.projector_hidden_act)) {
    throw configError(
      source,
      'projector_hidden_act',
      `"${c.projector_hidden_act}" is not supported (expected one of ${TANH_GELU_NAMES.join(', ')}; ` +
        '"gelu" is the exact erf form, which guinav does not compute)',
    );
  }
  const vision = parseSiglipVisionConfig(c.vision_config, `${source} vision_config`);
  const textConfig: Record<string, unknown> = { model_type: 'llama', ...c.text_config };
  // transformers ties the head when either the LLaVA config or its text config says so.
  if (c.tie_word_embeddings) textConfig.tie_word_embeddings = true;
  const text = textFactory(textConfig, `${source} text_config`);
  const imageTokenIndex = c.image_token_index ?? c.image_token_id ?? 32000;
  if (imageTokenIndex >= text.config.vocabSize) {
    throw configError(
      source,
      'image_token_index',
      `${imageTokenIndex} is outside the text vocabulary (vocab_size ${text.config.vocabSize})`,
    );
  }
  const featureLayers = typeof c.vision_feature_layer === 'number' ? [c.vision_feature_layer] : c.vision_feature_layer;
  for (const i of featureLayers) {
    const n = vision.numLayers;
    if (i > n || i < -(n + 1)) {
      throw configError(source, 'vision_feature_layer', `${i} is outside the vision tower's ${n + 1} hidden states`);
    }
  }
  const selectStrategy = c.vision_feature_select_strategy;
  return {
    ...text.config,
    raw: c as unknown as Record<string, unknown>,
    modelType: 'llava',
    vision,
    text,
    imageTokenIndex,
    featureLayers,
    selectStrategy,
    tokensPerImage: vision.numPatches - (selectStrategy === 'default' ? 1 : 0),
    projectorBias: c.multimodal_projector_bias,
  };
}
