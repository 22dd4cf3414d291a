/** config.json of `model_type: "qwen2"`: a Llama-shaped decoder with q/k/v biases and optional sliding layers. */
import { z } from 'zod';
import {
  activation,
  commonDecoderKeys,
  configError,
  parseConfigJson,
  resolveDims,
  ropeSpec,
} from '../config-common.js';
import type { LlamaConfig } from '../llama/config.js';

export const Qwen2ConfigSchema = z
  .object({
    ...commonDecoderKeys,
    model_type: z.literal('qwen2').default('qwen2'),
    hidden_act: activation.default('silu'),
    tie_word_embeddings: z.boolean().default(false),
    use_sliding_window: z.boolean().default(false),
    sliding_window: z.number().int().positive().nullish(),
    max_window_layers: z.number().int().nonnegative().default(28),
    layer_types: z.array(z.enum(['full_attention', 'sliding_attention'])).nullish(),
  })
  .loose();

export type Qwen2ConfigJson = z.input<typeof Qwen2ConfigSchema>;

export type Qwen2Config = LlamaConfig;

export function parseQwen2Config(json: unknown, source = 'config.json'): Qwen2Config {
  const c = parseConfigJson(Qwen2ConfigSchema, json, source);
  const dims = resolveDims(c, c.tie_word_embeddings, source);
  const window = c.use_sliding_window ? (c.sliding_window ?? 0) : 0;
  // transformers: layer i slides when use_sliding_window and i >= max_window_layers, unless listed.
  const types =
    c.layer_types ??
    Array.from({ length: dims.numLayers }, (_, i) =>
      window > 0 && i >= c.max_window_layers ? 'sliding_attention' : 'full_attention',
    );
  if (types.length !== dims.numLayers) {
    throw configError(source, 'layer_types', `has ${types.length} entries for ${dims.numLayers} layers`);
  }
  if (types.includes('sliding_attention') && window === 0) {
    throw configError(source, 'sliding_window', 'a sliding layer needs use_sliding_window and a sliding_window size');
  }
  const rope = c.rope_parameters ?? c.rope_scaling;
  const spec = ropeSpec(rope, c.rope_theta ?? 10000, c.rope_parameters ? 'rope_parameters' : 'rope_scaling', source);
  return {
    ...dims,
    modelType: 'qwen2',
    hiddenAct: c.hidden_act,
    ropeTheta: spec.theta,
    ropeScaling: spec.scaling,
    qkvBias: true,
    outputBias: false,
    mlpBias: false,
    layerWindows: types.map((t) => (t === 'sliding_attention' ? window : 0)),
  };
}
