/**
 * What a model folder holds, read from config.json, the safetensors headers and the tokenizer
 * files without loading any weights (so it is instant even for a multi-GB checkpoint).
 */
import { CheckpointFolder } from '../io/safetensors/checkpoint-folder.js';
import type { DType } from '../tensor/dtype.js';
import { shapeSize } from '../tensor/shape.js';
import { hasTokenizer, loadTokenizer } from '../tokenizer/files.js';
import type { SpecialToken } from '../tokenizer/types.js';
import type { DecoderDims } from './config-common.js';
import type { ModelConfig, ModelFamily } from './families.js';
import { type GenerationTokens, generationTokens, readGenerationConfig, readModelConfig } from './load.js';

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
  /** Bytes the parameters take once loaded (f32). */
  loadedBytes: number;
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
  let parameters = 0;
  let checkpointBytes = 0;
  const dtypes = new Set<DType>();
  try {
    for (const key of weights.keys()) {
      const { shape, dtype } = weights.meta(key);
      const size = shapeSize(shape);
      checkpointBytes += weights.byteLength(key);
      if (family.checkpointKey(key, config) === null) continue;
      parameters += size;
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
    loadedBytes: parameters * 4,
    tokenizer: tok && {
      vocabSize: tok.vocabSize,
      ...(tok.specialTokens.bos ? { bos: tok.specialTokens.bos } : {}),
      ...(tok.specialTokens.eos ? { eos: tok.specialTokens.eos } : {}),
      chatTemplates: tok.chatTemplates,
    },
    generation: generationTokens(config.raw, readGenerationConfig(dir)),
  };
}
