/**
 * Saving a model as transformers' save_pretrained does: the weights as safetensors (one file, or
 * shards plus the index) in f32, bf16 or f16; config.json with `architectures`, `model_type` and
 * `torch_dtype` (keys sorted, indent 2); and the tokenizer's files. Each file is written
 * atomically (temporary file, flush, rename); config.json comes after the weights.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sortedJson, writeTextFileAtomic } from '../io/files.js';
import { writeCheckpointFolder } from '../io/safetensors/checkpoint-folder.js';
import type { TensorToWrite } from '../io/safetensors/writer.js';
import { quantizationConfigOf, quantizedConfigJson } from '../quant/quantization-config.js';
import type { TypedArray } from '../tensor/dtype.js';
import { f32ArrayToBf16, f32ArrayToF16 } from '../tensor/half.js';
import type { Tensor } from '../tensor/tensor.js';
import { saveTokenizer } from '../tokenizer/files.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { CausalLM } from './causal-lm.js';
import { familyOfModelType } from './families.js';
import type { LoadedModel } from './load.js';
import { CONFIG_FILE, GENERATION_CONFIG_FILE, type SaveDType, TORCH_DTYPE_NAMES } from './model-folder.js';

export interface SaveModelOptions {
  /** Dtype of the saved floating-point weights (default f32). */
  dtype?: SaveDType;
  tokenizer?: Tokenizer;
  /** Largest shard in bytes (default 5 GB, transformers' max_shard_size). */
  maxShardBytes?: number;
  /** Progress, after each tensor's data is ready to write. */
  onTensor?: (done: number, total: number, key: string) => void;
}

function converted(
  t: Tensor,
  dtype: SaveDType,
  isParameter: boolean,
): { dtype: TensorToWrite['dtype']; data: () => TypedArray | Uint8Array | Promise<TypedArray | Uint8Array> } {
  // Buffers (quantized weights, their absmax and maps) keep their dtype.
  if (t.dtype !== 'f32' || dtype === 'f32' || !isParameter) return { dtype: t.dtype, data: () => t.data() };
  const convert = dtype === 'bf16' ? f32ArrayToBf16 : f32ArrayToF16;
  return { dtype, data: async () => convert((await t.data()) as TypedArray as Float32Array) };
}

/** The config.json a saved model gets: its parsed keys plus what transformers adds. */
export function savedConfigJson(model: CausalLM, dtype: SaveDType = 'f32'): string {
  const family = familyOfModelType(model.config.modelType);
  // A quantization_config describes the weights being written: NF4 layers, or none (e.g. merged).
  const { quantization_config: _, ...raw } = model.config.raw;
  const config = {
    ...raw,
    architectures: [family.architecture],
    model_type: family.modelType,
    torch_dtype: TORCH_DTYPE_NAMES[dtype],
    // transformers >= 4.56 writes `dtype`; a folder that has it gets the dtype written.
    ...('dtype' in raw ? { dtype: TORCH_DTYPE_NAMES[dtype] } : {}),
  };
  const qc = quantizationConfigOf(model);
  return qc ? quantizedConfigJson(config, qc) : sortedJson(config);
}

/** Writes `model` (and its tokenizer) into `dir` as a Hugging Face model folder; returns the files. */
export async function saveModel(dir: string, model: CausalLM, options: SaveModelOptions = {}): Promise<string[]> {
  const dtype = options.dtype ?? 'f32';
  if (!(dtype in TORCH_DTYPE_NAMES)) throw new Error(`saveModel: dtype "${dtype}" (expected f32, bf16 or f16)`);
  const family = familyOfModelType(model.config.modelType);
  const parameters = new Set(model.parameters());
  const state = [...model.stateDict()];
  let done = 0;
  const tensors: TensorToWrite[] = state.map(([key, t]) => {
    const name = family.savedKey ? family.savedKey(key, model.config) : key;
    const { dtype: saved, data } = converted(t, dtype, parameters.has(t));
    return {
      name,
      shape: t.shape,
      dtype: saved,
      data: async () => {
        const values = await data();
        options.onTensor?.(++done, state.length, name);
        return values;
      },
    };
  });
  fs.mkdirSync(dir, { recursive: true });
  const written = await writeCheckpointFolder(dir, tensors, {
    ...(options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {}),
  });
  await writeTextFileAtomic(path.join(dir, CONFIG_FILE), savedConfigJson(model, dtype));
  written.push(CONFIG_FILE);
  if (options.tokenizer) written.push(...(await saveTokenizer(dir, options.tokenizer)));
  return written;
}

/** A model folder's files besides weights, config and tokenizer that a saved copy of the model keeps. */
const COMPANION_FILES = [GENERATION_CONFIG_FILE, 'preprocessor_config.json', 'processor_config.json'];

/** Copies the companion files `from` has (generation config, a VLM's processor configs) into `to`. */
export function copyCompanionFiles(from: string, to: string): string[] {
  const copied: string[] = [];
  for (const f of COMPANION_FILES) {
    const file = path.join(from, f);
    if (!fs.existsSync(file)) continue;
    fs.copyFileSync(file, path.join(to, f));
    copied.push(f);
  }
  return copied;
}

/**
 * Saves a loaded folder's model as a complete model folder: weights, config.json, its tokenizer's
 * files (chat template included) and the companion files of the folder it came from.
 */
export async function saveModelFolder(
  dir: string,
  loaded: Pick<LoadedModel, 'dir' | 'model' | 'tokenizer'>,
  options: Omit<SaveModelOptions, 'tokenizer'> = {},
): Promise<string[]> {
  const written = await saveModel(dir, loaded.model, { ...options, tokenizer: loaded.tokenizer });
  return [...written, ...copyCompanionFiles(loaded.dir, dir)];
}

/**
 * The dtype transformers would save a model loaded from this folder in (torch_dtype "auto"):
 * config.json's (`dtype` or `torch_dtype`), else the checkpoint's one floating-point dtype, else f32.
 */
export function folderSaveDType(loaded: Pick<LoadedModel, 'config' | 'checkpointDTypes'>): SaveDType {
  const raw = loaded.config.raw;
  const named = raw.dtype ?? raw.torch_dtype;
  const fromConfig = Object.entries(TORCH_DTYPE_NAMES).find(([, n]) => n === named)?.[0];
  if (fromConfig) return fromConfig as SaveDType;
  const floats = loaded.checkpointDTypes.filter((d): d is SaveDType => d in TORCH_DTYPE_NAMES);
  return floats.length === 1 ? floats[0]! : 'f32';
}
