/** config.json of `model_type: "llama"` (and the Llama-shaped families built on it). */
import { z } from 'zod';
import type { RopeScaling } from '../../kernels/shapes/rope-frequencies.js';
import {
  type Activation,
  activation,
  commonDecoderKeys,
  type DecoderDims,
  parseConfigJson,
  resolveDims,
  ropeSpec,
} from '../config-common.js';

export const LlamaConfigSchema = z
  .object({
    ...commonDecoderKeys,
    model_type: z.string().default('llama'),
    hidden_act: activation.default('silu'),
    tie_word_embeddings: z.boolean().default(false),
    mlp_bias: z.boolean().default(false),
  })
  .loose();

export type LlamaConfigJson = z.input<typeof LlamaConfigSchema>;

/** Everything a Llama-shaped decoder needs, defaults filled. */
export interface LlamaConfig extends DecoderDims {
  modelType: string;
  hiddenAct: Activation;
  ropeTheta: number;
  ropeScaling: RopeScaling;
  /** Biases on q/k/v (Qwen2 always; Llama with attention_bias). */
  qkvBias: boolean;
  /** Bias on o_proj (Llama with attention_bias; never Qwen2). */
  outputBias: boolean;
  mlpBias: boolean;
  /** Per layer: the sliding window (keys per query) or 0 for full attention. */
  layerWindows: number[];
}

export function parseLlamaConfig(json: unknown, source = 'config.json'): LlamaConfig {
  const c = parseConfigJson(LlamaConfigSchema, json, source);
  const dims = resolveDims(c, c.tie_word_embeddings, source);
  const rope = c.rope_parameters ?? c.rope_scaling;
  const spec = ropeSpec(rope, c.rope_theta ?? 10000, c.rope_parameters ? 'rope_parameters' : 'rope_scaling', source);
  const bias = c.attention_bias ?? false;
  return {
    ...dims,
    modelType: c.model_type,
    hiddenAct: c.hidden_act,
    ropeTheta: spec.theta,
    ropeScaling: spec.scaling,
    qkvBias: bias,
    outputBias: bias,
    mlpBias: c.mlp_bias,
    layerWindows: new Array<number>(dims.numLayers).fill(0),
  };
}
