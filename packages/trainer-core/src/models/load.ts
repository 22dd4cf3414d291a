/**
 * Loading a Hugging Face model folder: config.json (parsed by its family's zod schema), the
 * weights (model.safetensors or shards, read lazily into parameters allocated uninitialised on
 * the chosen backend, f16/bf16 converted tensor by tensor), the tokenizer when the folder has
 * one, and the token ids generation needs (config.json, generation_config.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Backend } from '../backend/backend.js';
import { META_BACKEND } from '../backend/meta.js';
import { readJsonFile } from '../io/files.js';
import { CheckpointFolder } from '../io/safetensors/checkpoint-folder.js';
import { buildModule } from '../nn/init.js';
import { loadStateDict } from '../nn/state-dict.js';
import { type LoadQuantization, quantizedLoadPlan } from '../quant/load-plan.js';
import { loadQuantized } from '../quant/load-quantized.js';
import type { DType } from '../tensor/dtype.js';
import { getBackend } from '../tensor/engine.js';
import { hasTokenizer, loadTokenizer } from '../tokenizer/files.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { CausalLM } from './causal-lm.js';
import { type ModelConfig, type ModelFamily, modelFamilyOf } from './families.js';
import { CONFIG_FILE, GENERATION_CONFIG_FILE, resolveModelFolder } from './model-folder.js';

export interface LoadModelOptions {
  /** Where the parameters live (default: the engine's current backend). */
  backend?: Backend;
  /** Parameter dtype: f32 (checkpoints in f16/bf16 are converted as they load). */
  dtype?: 'f32';
  /** Load tokenizer.json when the folder has one (default true). */
  tokenizer?: boolean;
  /** Called after each tensor is in place. */
  onTensor?: (loaded: number, total: number, key: string) => void;
  /** Names the folder argument in errors (default `model`; the CLI passes `--model`). */
  label?: string;
  /**
   * Load the linear layers in NF4 (QLoRA): quantized as they load, as bitsandbytes would. A
   * bitsandbytes NF4 checkpoint always loads quantized; an int8 one loads dequantized.
   */
  quantize?: LoadQuantization;
}

/** The token ids generation needs, from config.json and generation_config.json (which wins). */
export interface GenerationTokens {
  bosTokenId?: number;
  /** Generation stops at any of these (Gemma 3 lists <eos> and <end_of_turn>). */
  eosTokenIds: number[];
  padTokenId?: number;
}

export interface LoadedModel {
  dir: string;
  family: ModelFamily;
  config: ModelConfig;
  model: CausalLM;
  tokenizer: Tokenizer | undefined;
  generation: GenerationTokens;
  /** The dtypes of the checkpoint's tensors, e.g. ['bf16']. */
  checkpointDTypes: DType[];
}

function ids(value: unknown): number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number' && Number.isInteger(v));
  return [];
}

export function generationTokens(config: Record<string, unknown>, generationConfig: Record<string, unknown>) {
  const pick = (key: string) => (generationConfig[key] !== undefined ? generationConfig[key] : config[key]);
  const tokens: GenerationTokens = { eosTokenIds: ids(pick('eos_token_id')) };
  const bos = ids(pick('bos_token_id'))[0];
  const pad = ids(pick('pad_token_id'))[0];
  if (bos !== undefined) tokens.bosTokenId = bos;
  if (pad !== undefined) tokens.padTokenId = pad;
  return tokens;
}

export function readGenerationConfig(dir: string): Record<string, unknown> {
  const file = path.join(dir, GENERATION_CONFIG_FILE);
  if (!fs.existsSync(file)) return {};
  const json = readJsonFile(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new Error(`${file}: expected a JSON object`);
  return json as Record<string, unknown>;
}

/** The family and parsed config.json of a local model folder (no weights read). */
export function readModelConfig(dir: string, label?: string): { family: ModelFamily; config: ModelConfig } {
  resolveModelFolder(dir, label);
  const configPath = path.join(dir, CONFIG_FILE);
  const json = readJsonFile(configPath);
  const family = modelFamilyOf(json, configPath);
  return { family, config: family.parseConfig(json, configPath) };
}

/** Loads the model (and tokenizer) of a local folder; a Hub id is refused with download advice. */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  if (options.dtype !== undefined && options.dtype !== 'f32') {
    throw new Error(`loadModel: dtype "${options.dtype}" is not supported (parameters are f32)`);
  }
  const { family, config } = readModelConfig(dir, options.label);
  const generation = generationTokens(config.raw, readGenerationConfig(dir));
  const tokenizer = options.tokenizer !== false && hasTokenizer(dir) ? loadTokenizer(dir) : undefined;

  const weights = CheckpointFolder.open(dir);
  const plan = quantizedLoadPlan(config.raw, options.quantize, path.join(dir, CONFIG_FILE));
  const model = buildModule({ backend: plan.nf4 ? META_BACKEND : options.backend, initialize: false }, () =>
    family.create(config, {}),
  );
  try {
    const keys = weights.keys();
    const checkpointDTypes = [...new Set(keys.map((k) => weights.meta(k).dtype))];
    let loaded = 0;
    const source = plan.wrap({
      name: weights.name,
      keys: () => keys,
      meta: (key: string) => weights.meta(key),
      read: (key: string) => weights.read(key),
    });
    const onTensor = (key: string) => options.onTensor?.(++loaded, keys.length, key);
    const keyMap = (key: string) => family.checkpointKey(key, config);
    if (plan.nf4) {
      await loadQuantized(model, source, {
        backend: options.backend ?? getBackend(),
        quantize: plan.nf4,
        keyMap,
        onTensor,
      });
    } else {
      const read = (key: string) => {
        onTensor(key);
        return source.read(key);
      };
      await loadStateDict(model, { ...source, read }, { keyMap });
    }
    model.eval();
    return { dir, family, config, model, tokenizer, generation, checkpointDTypes };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    weights.close();
  }
}
