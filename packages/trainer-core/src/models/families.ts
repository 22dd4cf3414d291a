/**
 * The model families guinav builds from a config.json, by `model_type`: each brings its config
 * schema, its modules and its checkpoint-key map (models/<family>/).
 */
import { buildModule, type ParameterPlacement } from '../nn/init.js';
import type { CausalLM, CausalLMOptions } from './causal-lm.js';
import { decoderCheckpointKeys } from './checkpoint-keys.js';
import { type Gemma3TextConfig, parseGemma3TextConfig } from './gemma3/config.js';
import { gemma3ImageTextCheckpointKey, parseGemma3ImageTextConfig } from './gemma3/image-text.js';
import { Gemma3ForCausalLM } from './gemma3/modeling.js';
import { type LlamaConfig, parseLlamaConfig } from './llama/config.js';
import { LlamaForCausalLM } from './llama/modeling.js';
import { llavaCheckpointKey } from './llava/checkpoint-keys.js';
import { type LlavaConfig, type LlavaTextPart, parseLlavaConfig } from './llava/config.js';
import { LlavaForConditionalGeneration } from './llava/modeling.js';
import { parseQwen2Config, type Qwen2Config } from './qwen2/config.js';
import { Qwen2ForCausalLM } from './qwen2/modeling.js';

/** What every family's resolved config carries: its model_type and the parsed JSON (saved back). */
export interface ModelConfig {
  readonly modelType: string;
  readonly raw: Record<string, unknown>;
}

/**
 * A model family: how its config.json parses, how its modules are built, and how checkpoint keys
 * map onto module keys (and back, for saving). A new family (models/<family>/) adds one entry to
 * MODEL_FAMILIES.
 */
export interface ModelFamily<C extends ModelConfig = ModelConfig> {
  readonly modelType: string;
  /** transformers' architecture name, written to config.json `architectures`. */
  readonly architecture: string;
  parseConfig(json: unknown, source: string): C;
  create(config: C, options: CausalLMOptions): CausalLM;
  /** Module key of a checkpoint key, or null for a tensor the model ignores. */
  checkpointKey(key: string, config: C): string | null;
  /** The key save_pretrained writes for a module key (default: the module key itself). */
  savedKey?(key: string, config: C): string;
}

/** Erases a family's config type so families sit in one list. */
export function defineModelFamily<C extends ModelConfig>(f: ModelFamily<C>): ModelFamily {
  return f as unknown as ModelFamily;
}

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  defineModelFamily<LlamaConfig>({
    modelType: 'llama',
    architecture: 'LlamaForCausalLM',
    parseConfig: parseLlamaConfig,
    create: (c, o) => new LlamaForCausalLM(c, o),
    checkpointKey: decoderCheckpointKeys,
  }),
  defineModelFamily<Qwen2Config>({
    modelType: 'qwen2',
    architecture: 'Qwen2ForCausalLM',
    parseConfig: parseQwen2Config,
    create: (c, o) => new Qwen2ForCausalLM(c, o),
    checkpointKey: decoderCheckpointKeys,
  }),
  defineModelFamily<Gemma3TextConfig>({
    modelType: 'gemma3_text',
    architecture: 'Gemma3ForCausalLM',
    parseConfig: parseGemma3TextConfig,
    create: (c, o) => new Gemma3ForCausalLM(c, o),
    checkpointKey: decoderCheckpointKeys,
  }),
  // Gemma 3 4B and larger are image-text folders; their text model loads (the vision tower is skipped).
  defineModelFamily<Gemma3TextConfig>({
    modelType: 'gemma3',
    architecture: 'Gemma3ForConditionalGeneration',
    parseConfig: parseGemma3ImageTextConfig,
    create: (c, o) => new Gemma3ForCausalLM(c, o),
    checkpointKey: gemma3ImageTextCheckpointKey,
  }),
  // SigLIP + projector + a decoder family: the built-in VLM's layout (models/llava/).
  defineModelFamily<LlavaConfig>({
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
  return { config: config as LlavaTextPart['config'], create: (seed) => f.create(config, { seed }) };
}

/** The family of a model_type; the error lists the supported ones. */
export function familyOfModelType(modelType: unknown, source = 'config.json'): ModelFamily {
  const f = MODEL_FAMILIES.find((m) => m.modelType === modelType);
  if (!f) {
    throw new Error(
      `${source}: field "model_type": ${JSON.stringify(modelType)} is not supported ` +
        `(expected one of ${MODEL_FAMILIES.map((m) => m.modelType).join(', ')})`,
    );
  }
  return f;
}

/** The family of a config.json object, by its model_type (default llama, as transformers' LlamaConfig). */
export function modelFamilyOf(json: unknown, source = 'config.json'): ModelFamily {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(`${source}: expected a JSON object`);
  }
  return familyOfModelType((json as { model_type?: unknown }).model_type ?? 'llama', source);
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
