/**
 * The model families guinav builds from a config.json, by `model_type`: each brings its config
 * schema, its modules and its checkpoint-key map (models/<family>/).
 */
import { buildModule, type ParameterPlacement } from '../nn/init.js';
import type { CausalLM, CausalLMOptions } from './causal-lm.js';
import { type CheckpointKeyMap, decoderCheckpointKeys } from './checkpoint-keys.js';
import type { DecoderDims } from './config-common.js';
import { parseGemma3TextConfig } from './gemma3/config.js';
import { Gemma3ForCausalLM } from './gemma3/modeling.js';
import { parseLlamaConfig } from './llama/config.js';
import { LlamaForCausalLM } from './llama/modeling.js';
import { llavaCheckpointKey } from './llava/checkpoint-keys.js';
import { type LlavaConfig, type LlavaTextPart, parseLlavaConfig } from './llava/config.js';
import { LlavaForConditionalGeneration } from './llava/modeling.js';
import { parseQwen2Config } from './qwen2/config.js';
import { Qwen2ForCausalLM } from './qwen2/modeling.js';

type ModelConfig = DecoderDims & { modelType: string };

export interface ModelFamily<C extends ModelConfig = ModelConfig> {
  readonly modelType: string;
  /** transformers' architecture name, written to config.json `architectures`. */
  readonly architecture: string;
  parseConfig(json: unknown, source: string): C;
  create(config: C, options: CausalLMOptions): CausalLM;
  readonly checkpointKey: CheckpointKeyMap;
}

function family<C extends ModelConfig>(f: ModelFamily<C>): ModelFamily {
  return f as unknown as ModelFamily;
}

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  family({
    modelType: 'llama',
    architecture: 'LlamaForCausalLM',
    parseConfig: parseLlamaConfig,
    create: (c, o) => new LlamaForCausalLM(c, o),
    checkpointKey: decoderCheckpointKeys,
  }),
  family({
    modelType: 'qwen2',
    architecture: 'Qwen2ForCausalLM',
    parseConfig: parseQwen2Config,
    create: (c, o) => new Qwen2ForCausalLM(c, o),
    checkpointKey: decoderCheckpointKeys,
  }),
  family({
    modelType: 'gemma3_text',
    architecture: 'Gemma3ForCausalLM',
    parseConfig: parseGemma3TextConfig,
    create: (c, o) => new Gemma3ForCausalLM(c, o),
    checkpointKey: decoderCheckpointKeys,
  }),
  family<LlavaConfig>({
    modelType: 'llava',
    architecture: 'LlavaForConditionalGeneration',
    parseConfig: (json, source) => parseLlavaConfig(json, llavaTextPart, source),
    create: (c, o) => new LlavaForConditionalGeneration(c, o),
    checkpointKey: llavaCheckpointKey,
  }),
];

/** A LLaVA text_config resolved by its own family (any decoder family but llava itself). */
function llavaTextPart(json: Record<string, unknown>, source: string): LlavaTextPart {
  const f = modelFamilyOf(json, source);
  if (f.modelType === 'llava') throw new Error(`${source}: field "model_type": a LLaVA text model cannot be llava`);
  const config = f.parseConfig(json, source);
  return { config, create: (seed) => f.create(config, { seed }) };
}

/** The family of a config.json object, by its model_type (default llama, as transformers' LlamaConfig). */
export function modelFamilyOf(json: unknown, source = 'config.json'): ModelFamily {
  const modelType = (json as { model_type?: unknown } | null)?.model_type ?? 'llama';
  const f = MODEL_FAMILIES.find((m) => m.modelType === modelType);
  if (!f) {
    throw new Error(
      `${source}: field "model_type": ${JSON.stringify(modelType)} is not supported ` +
        `(expected one of ${MODEL_FAMILIES.map((m) => m.modelType).join(', ')})`,
    );
  }
  return f;
}

export interface CreateCausalLMOptions extends CausalLMOptions, ParameterPlacement {
  /** Names the config in errors (default config.json). */
  source?: string;
}

/** Parses a config.json object and builds its model (parameters placed as `options` say). */
export function createCausalLM(json: unknown, options: CreateCausalLMOptions = {}): CausalLM {
  const source = options.source ?? 'config.json';
  const f = modelFamilyOf(json, source);
  const config = f.parseConfig(json, source);
  return buildModule(options, () => f.create(config, { seed: options.seed }));
}
