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
import { CONFIG_FILE, type SaveDType, TORCH_DTYPE_NAMES } from './model-folder.js';

export interface SaveModelOptions {
  /** Dtype of the saved floating-point weights (default f32). */
  dtype?: SaveDType;
  tokenizer?: Tokenizer;
  /** Largest shard in bytes (default 5 GB, transformers' max_shard_size). */
  maxShardBytes?: number;
}

function converted(t: Tensor, dtype: SaveDType, isParameter: boolean): Pick<TensorToWrite, 'dtype' | 'data'> {
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
  const tensors: TensorToWrite[] = [...model.stateDict()].map(([key, t]) => ({
    name: family.savedKey ? family.savedKey(key, model.config) : key,
    shape: t.shape,
    ...converted(t, dtype, parameters.has(t)),
  }));
  fs.mkdirSync(dir, { recursive: true });
  const written = await writeCheckpointFolder(dir, tensors, {
    ...(options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {}),
  });
  await writeTextFileAtomic(path.join(dir, CONFIG_FILE), savedConfigJson(model, dtype));
  written.push(CONFIG_FILE);
  if (options.tokenizer) written.push(...(await saveTokenizer(dir, options.tokenizer)));
  return written;
}
