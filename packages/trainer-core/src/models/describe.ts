import path from 'node:path';
/**
 * What a model folder holds, read from config.json, the safetensors headers and the tokenizer
 * files without loading any weights (so it is instant even for a multi-GB checkpoint).
 */
import { CheckpointFolder } from '../io/safetensors/checkpoint-folder.js';
import { countCheckpointTensor } from '../quant/folder-sizes.js';
import { storedQuantization } from '../quant/quantization-config.js';
import type { DType } from '../tensor/dtype.js';
import { hasTokenizer, loadTokenizer } from '../tokenizer/files.js';
import type { SpecialToken } from '../tokenizer/types.js';
import type { DecoderDims } from './config-common.js';
import type { ModelConfig, ModelFamily } from './families.js';
import { type GenerationTokens, generationTokens, readGenerationConfig, readModelConfig } from './load.js';
import { CONFIG_FILE } from './model-folder.js';

export interface ModelFolderSummary {
  dir: string;
  family: ModelFamily;
  config: ModelConfig;
  /** The decoder's sizes, for the families that are decoders. */
  dims: DecoderDims | undefined;
  /** Parameters the model loads (tensors its key map skips are not counted). */
  parameters: number;
  checkpointDTypes: DType[];
  /** Bytes of tensor data in the checkpoint files. */
  checkpointBytes: number;
  /** Bytes the parameters take once loaded (f32, or NF4 as stored for a bitsandbytes NF4 folder). */
  loadedBytes: number;
  /** The folder's bitsandbytes quantization (config.json's quantization_config), if any. */
  quantization: 'nf4' | 'int8' | undefined;
  tokenizer:
    | { vocabSize: number; bos?: SpecialToken; eos?: SpecialToken; chatTemplates: readonly string[] }
    | undefined;
  generation: GenerationTokens;
}

function isDecoder(config: ModelConfig): config is ModelConfig & DecoderDims {
  return typeof (config as Partial<DecoderDims>).hiddenSize === 'number';
}

export function describeModelFolder(dir: string, label?: string): ModelFolderSummary {
  const { family, config } = readModelConfig(dir, label);
  const weights = CheckpointFolder.open(dir);
  const stored = storedQuantization(config.raw, path.join(dir, CONFIG_FILE));
  let parameters = 0;
  let loadedBytes = 0;
  let checkpointBytes = 0;
  const dtypes = new Set<DType>();
  try {
    for (const key of weights.keys()) {
      const { dtype } = weights.meta(key);
      checkpointBytes += weights.byteLength(key);
      if (family.checkpointKey(key, config) === null) continue;
      const count = countCheckpointTensor(weights, key, stored);
      parameters += count.parameters;
      loadedBytes += count.loadedBytes;
      dtypes.add(dtype);
    }
  } finally {
    weights.close();
  }
  const tok = hasTokenizer(dir) ? loadTokenizer(dir) : undefined;
  return {
    dir,
    family,
    config,
    dims: isDecoder(config) ? config : undefined,
    parameters,
    checkpointDTypes: [...dtypes],
    checkpointBytes,
    loadedBytes,
    quantization: stored?.kind,
    tokenizer: tok && {
      vocabSize: tok.vocabSize,
      ...(tok.specialTokens.bos ? { bos: tok.specialTokens.bos } : {}),
      ...(tok.specialTokens.eos ? { eos: tok.specialTokens.eos } : {}),
      chatTemplates: tok.chatTemplates,
    },
    generation: generationTokens(config.raw, readGenerationConfig(dir)),
  };
}
