/**
 * The vision tower's config: transformers' SiglipVisionConfig (`model_type:
 * "siglip_vision_model"`), as it sits under `vision_config` of a LLaVA config.json.
 */
import { z } from 'zod';
import { configError, parseConfigJson } from '../config-common.js';

const positiveInt = z.number().int().positive();

/** Activations computed as 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), under their transformers names. */
export const TANH_GELU_NAMES = ['gelu_pytorch_tanh', 'gelu_new', 'gelu_fast'] as const;

export const SiglipVisionConfigSchema = z
  .object({
    model_type: z.literal('siglip_vision_model').default('siglip_vision_model'),
    hidden_size: positiveInt.default(768),
    intermediate_size: positiveInt.default(3072),
    num_hidden_layers: positiveInt.default(12),
    num_attention_heads: positiveInt.default(12),
    num_channels: positiveInt.default(3),
    image_size: positiveInt.default(224),
    patch_size: positiveInt.default(16),
    hidden_act: z.string().default('gelu_pytorch_tanh'),
    layer_norm_eps: z.number().positive().default(1e-6),
    attention_dropout: z.number().min(0).max(1).default(0),
    /** The attention-pooling head; LLaVA never uses it, so its tensors are skipped when present. */
    vision_use_head: z.boolean().nullish(),
  })
  .loose();

export type SiglipVisionConfigJson = z.input<typeof SiglipVisionConfigSchema>;

export interface SiglipVisionConfig {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  headDim: number;
  numChannels: number;
  imageSize: number;
  patchSize: number;
  /** (image_size / patch_size)^2: rows of the position embedding, features per image. */
  numPatches: number;
  layerNormEps: number;
  raw: Record<string, unknown>;
}

export function parseSiglipVisionConfig(json: unknown, source = 'config.json'): SiglipVisionConfig {
  const c = parseConfigJson(SiglipVisionConfigSchema, json, source);
  if (!(TANH_GELU_NAMES as readonly string[]).includes(c.hidden_act)) {
    throw configError(
      source,
      'hidden_act',
      `"${c.hidden_act}" is not supported (expected one of ${TANH_GELU_NAMES.join(', ')})`,
    );
  }
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw configError(
      source,
      'num_attention_heads',
      `${c.num_attention_heads} does not divide hidden_size ${c.hidden_size}`,
    );
  }
  if (c.image_size % c.patch_size !== 0) {
    throw configError(source, 'patch_size', `${c.patch_size} does not divide image_size ${c.image_size}`);
  }
  const grid = c.image_size / c.patch_size;
  return {
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    headDim: c.hidden_size / c.num_attention_heads,
    numChannels: c.num_channels,
    imageSize: c.image_size,
    patchSize: c.patch_size,
    numPatches: grid * grid,
    layerNormEps: c.layer_norm_eps,
    raw: c as unknown as Record<string, unknown>,
  };
}
