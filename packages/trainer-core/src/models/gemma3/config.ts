/**
 * config.json of `model_type: "gemma3_text"` (transformers' Gemma3TextConfig, older and newer
 * key sets). Layer i is a sliding-window layer unless `layer_types` (newer) says otherwise or,
 * in older files, (i + 1) % sliding_window_pattern == 0; sliding layers rotate with the local
 * RoPE base (rope_local_base_freq, 10k), full layers with rope_theta (1M).
 */
import { z } from 'zod';
import type { RopeScaling } from '../../kernels/shapes/rope-frequencies.js';
import {
  activation,
  commonDecoderKeys,
  configError,
  type DecoderDims,
  parseConfigJson,
  resolveDims,
  ropeSpec,
} from '../config-common.js';

export const Gemma3TextConfigSchema = z
  .object({
    ...commonDecoderKeys,
    model_type: z.literal('gemma3_text').default('gemma3_text'),
    head_dim: z.number().int().positive().default(256),
    hidden_activation: activation.nullish(),
    hidden_act: activation.nullish(),
    tie_word_embeddings: z.boolean().default(true),
    query_pre_attn_scalar: z.number().positive().default(256),
    sliding_window: z.number().int().positive().default(4096),
    sliding_window_pattern: z.number().int().positive().default(6),
    layer_types: z.array(z.enum(['full_attention', 'sliding_attention'])).nullish(),
    rope_local_base_freq: z.number().positive().default(10000),
    final_logit_softcapping: z.number().nullish(),
    attn_logit_softcapping: z.number().nullish(),
    use_bidirectional_attention: z.boolean().nullish(),
  })
  .loose();

export type Gemma3TextConfigJson = z.input<typeof Gemma3TextConfigSchema>;

export interface Gemma3LayerSpec {
  /** Keys per query (the sliding window) or 0 for a full-attention layer. */
  window: number;
  ropeTheta: number;
  ropeScaling: RopeScaling;
}

export interface Gemma3TextConfig extends DecoderDims {
  modelType: 'gemma3_text';
  hiddenAct: 'silu' | 'gelu_pytorch_tanh';
  /** query_pre_attn_scalar^-0.5. */
  attentionScale: number;
  layers: Gemma3LayerSpec[];
}

type LayerType = 'full_attention' | 'sliding_attention';

function unsupported(source: string, key: string, value: unknown): void {
  if (value != null && value !== false) throw configError(source, key, `${JSON.stringify(value)} is not supported yet`);
}

export function parseGemma3TextConfig(json: unknown, source = 'config.json'): Gemma3TextConfig {
  const c = parseConfigJson(Gemma3TextConfigSchema, json, source);
  unsupported(source, 'final_logit_softcapping', c.final_logit_softcapping);
  unsupported(source, 'attn_logit_softcapping', c.attn_logit_softcapping);
  unsupported(source, 'use_bidirectional_attention', c.use_bidirectional_attention);
  const dims = resolveDims(c, c.tie_word_embeddings, source);
  const types: LayerType[] =
    c.layer_types ??
    Array.from({ length: dims.numLayers }, (_, i) =>
      (i + 1) % c.sliding_window_pattern === 0 ? 'full_attention' : 'sliding_attention',
    );
  if (types.length !== dims.numLayers) {
    throw configError(source, 'layer_types', `has ${types.length} entries for ${dims.numLayers} layers`);
  }
  // Newer files: rope_parameters = { full_attention: {...}, sliding_attention: {...} }.
  const params = c.rope_parameters as Partial<Record<LayerType, Record<string, unknown>>> | null | undefined;
  const full = ropeSpec(
    params?.full_attention ?? c.rope_scaling,
    c.rope_theta ?? 1e6,
    params ? 'rope_parameters.full_attention' : 'rope_scaling',
    source,
  );
  const local = ropeSpec(
    params?.sliding_attention,
    c.rope_local_base_freq,
    'rope_parameters.sliding_attention',
    source,
  );
  return {
    ...dims,
    modelType: 'gemma3_text',
    hiddenAct: c.hidden_activation ?? c.hidden_act ?? 'gelu_pytorch_tanh',
    attentionScale: c.query_pre_attn_scalar ** -0.5,
    layers: types.map((t) =>
      t === 'sliding_attention'
        ? { window: c.sliding_window, ropeTheta: local.theta, ropeScaling: local.scaling }
        : { window: 0, ropeTheta: full.theta, ropeScaling: full.scaling },
    ),
  };
}
