/**
 * `guinav model quantize`: a Hugging Face model folder rewritten as transformers saves a model
 * loaded with BitsAndBytesConfig: every Linear but the head quantized (NF4, optionally double
 * quantized, or LLM.int8()), with bitsandbytes' serialized keys, the other tensors copied as they
 * are, config.json with `quantization_config`, and the folder's other files (tokenizer, generation
 * config) copied. Weights are read and quantized one tensor at a time; the quantized data of one
 * weight is the most this holds in memory besides the file being written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { META_BACKEND } from '../backend/meta.js';
import { CheckpointFolder, writeCheckpointFolder } from '../io/safetensors/checkpoint-folder.js';
import type { TensorToWrite } from '../io/safetensors/writer.js';
import { readModelConfig } from '../models/load.js';
import { CONFIG_FILE } from '../models/model-folder.js';
import { buildModule } from '../nn/init.js';
import { toF32 } from '../nn/state-dict.js';
import { f32Mean, NESTED_BLOCKSIZE } from './double-quant.js';
import { quantizeInt8Rows } from './int8.js';
import { torchDTypeOf } from './load-quantized.js';
import { nf4BlockAbsmax } from './nf4.js';
import { type Nf4Data, quantizeWeightNf4 } from './nf4-linear.js';
import { type PyJson, parsePyJson, pyJsonDumps } from './python-json.js';
import { encodeQuantState, type Nf4QuantState, QUANT_STATE_SUFFIX, type TorchDType } from './quant-state.js';
import { bnb4bitQuantizationConfig, bnb8bitQuantizationConfig, storedQuantization } from './quantization-config.js';
import { DEFAULT_SKIP_MODULES, quantizableLinears } from './quantize-model.js';

export interface QuantizeFolderOptions {
  /** 'nf4' (default) or 'int8' (LLM.int8(), bitsandbytes' Int8Params). */
  method?: 'nf4' | 'int8';
  /** NF4: quantize the absmax values too (bnb_4bit_use_double_quant). */
  doubleQuant?: boolean;
  /** NF4 block size (default 64). */
  blocksize?: number;
  /** bnb_4bit_compute_dtype written to config.json (default float32, BitsAndBytesConfig's default). */
  computeDType?: TorchDType;
  /** Modules kept in full precision (default: the output head, as transformers does). */
  skipModules?: readonly string[];
  /** Largest output shard in bytes (default 5 GB). */
  maxShardBytes?: number;
  /** Stops the work between tensors (e.g. Ctrl-C); the caller removes the partial output. */
  signal?: AbortSignal;
  /** Progress, after each tensor of the input is written. */
  onTensor?: (done: number, total: number, key: string) => void;
  /** Names the input folder in errors (default `model`). */
  label?: string;
}

export interface QuantizeFolderReport {
  /** Checkpoint keys of the quantized weights. */
  quantized: string[];
  /** Tensors copied unchanged. */
  copied: number;
  /** Files written into the output folder. */
  files: string[];
}

const WEIGHT_FILES =
  /^(model(-\d{5}-of-\d{5})?\.safetensors|model\.safetensors\.index\.json|pytorch_model.*\.bin(\.index\.json)?)$/;

/** Quantizes the model in `dir` into `outDir` (which should be empty: a staging folder). */
export async function quantizeModelFolder(
  dir: string,
  outDir: string,
  options: QuantizeFolderOptions = {},
): Promise<QuantizeFolderReport> {
  const method = options.method ?? 'nf4';
  const configPath = path.join(dir, CONFIG_FILE);
  const { family, config } = readModelConfig(dir, options.label);
  if (storedQuantization(config.raw, configPath)) {
    throw new Error(`${configPath}: the model is already quantized (it has a quantization_config)`);
  }
  if (method === 'int8' && (options.doubleQuant || options.blocksize !== undefined)) {
    throw new Error('quantize: --double-quant and --blocksize apply to nf4, not int8');
  }
  const skip = options.skipModules ?? DEFAULT_SKIP_MODULES;
  // The module tree on the meta backend: which Linear weights bitsandbytes would quantize.
  const model = buildModule({ backend: META_BACKEND, initialize: false }, () => family.create(config, {}));
  const targets = new Set(quantizableLinears(model, skip).map((l) => `${l.path}.weight`));
  const weights = CheckpointFolder.open(dir);
  try {
    const keys = weights.keys();
    const quantized = keys.filter((k) => targets.has(family.checkpointKey(k, config) ?? ''));
    const isQuantized = new Set(quantized);
    const missing = [...targets].filter((t) => !keys.some((k) => family.checkpointKey(k, config) === t));
    if (missing.length) throw new Error(`${weights.name}: missing tensors ${missing.slice(0, 5).join(', ')}`);
    const values = (key: string): Float32Array => {
      options.signal?.throwIfAborted();
      const meta = weights.meta(key);
      const raw = weights.read(key);
      const v = meta.dtype === 'f32' ? (raw as Float32Array) : toF32(raw, meta.dtype);
      if (!v || meta.dtype === 'f64')
        throw new Error(`${weights.name}: tensor ${key} is ${meta.dtype}; expected f32, bf16 or f16`);
      return v;
    };
    let done = 0;
    const progress = (key: string) => options.onTensor?.(++done, keys.length, key);
    const tensors: TensorToWrite[] = [];
    for (const key of keys) {
      const meta = weights.meta(key);
      if (!isQuantized.has(key)) {
        tensors.push({
          name: key,
          dtype: meta.dtype,
          shape: meta.shape,
          data: () => {
            options.signal?.throwIfAborted();
            progress(key);
            return weights.read(key);
          },
        });
        continue;
      }
      if (meta.shape.length !== 2)
        throw new Error(`${weights.name}: tensor ${key} is not 2-D (${meta.shape.join('x')})`);
      const shape = meta.shape as [number, number];
      const prefix = key.slice(0, -'weight'.length);
      if (method === 'int8') {
        let cached: ReturnType<typeof quantizeInt8Rows> | undefined;
        const q = () => {
          cached ??= quantizeInt8Rows(values(key), shape[0], shape[1]);
          return cached;
        };
        tensors.push(
          { name: key, dtype: 'i8', shape, data: () => q().codes },
          { name: `${prefix}SCB`, dtype: 'f32', shape: [shape[0]], data: () => q().scb },
          {
            name: `${prefix}weight_format`,
            dtype: 'u8',
            shape: [],
            data: () => {
              cached = undefined;
              progress(key);
              return Uint8Array.of(0);
            },
          },
        );
        continue;
      }
      tensors.push(
        ...nf4Tensors(
          key,
          shape,
          torchDTypeOf(meta.dtype, `${weights.name}: tensor ${key}`),
          values,
          options,
          progress,
        ),
      );
    }
    fs.mkdirSync(outDir, { recursive: true });
    const files = await writeCheckpointFolder(outDir, tensors, {
      ...(options.maxShardBytes !== undefined ? { maxShardBytes: options.maxShardBytes } : {}),
    });
    const qc =
      method === 'int8'
        ? bnb8bitQuantizationConfig(options.skipModules)
        : bnb4bitQuantizationConfig({
            doubleQuant: options.doubleQuant ?? false,
            computeDType: options.computeDType ?? 'float32',
            skipModules: options.skipModules,
          });
    const configJson = parsePyJson(fs.readFileSync(configPath, 'utf8')) as Record<string, PyJson>;
    fs.writeFileSync(
      path.join(outDir, CONFIG_FILE),
      `${pyJsonDumps({ ...configJson, quantization_config: qc }, { indent: 2, sortKeys: true })}\n`,
    );
    files.push(CONFIG_FILE);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name === CONFIG_FILE || WEIGHT_FILES.test(entry.name)) continue;
      fs.copyFileSync(path.join(dir, entry.name), path.join(outDir, entry.name));
      files.push(entry.name);
    }
    return { quantized, copied: keys.length - quantized.length, files };
  } finally {
    weights.close();
  }
}

/**
 * The bitsandbytes tensors of one NF4 weight, in QuantState.as_dict's order. The safetensors
 * header needs every size first, including the quant-state JSON's, whose nested_offset is the mean
 * of the block absmax: with double quantization the weight is read twice (absmax, then codes).
 */
function nf4Tensors(
  key: string,
  shape: [number, number],
  dtype: TorchDType,
  values: (key: string) => Float32Array,
  options: QuantizeFolderOptions,
  progress: (key: string) => void,
): TensorToWrite[] {
  const blocksize = options.blocksize ?? 64;
  const n = shape[0] * shape[1];
  const blocks = Math.ceil(n / blocksize);
  const nested = options.doubleQuant ?? false;
  const state: Nf4QuantState = { blocksize, dtype, shape };
  if (nested) state.nested = { blocksize: NESTED_BLOCKSIZE, offset: f32Mean(nf4BlockAbsmax(values(key), blocksize)) };
  const json = encodeQuantState(state);
  let cached: Nf4Data | undefined;
  const q = () => {
    cached ??= quantizeWeightNf4(values(key), shape, { blocksize, doubleQuant: nested, dtype });
    return cached;
  };
  const prefix = `${key}.`;
  const parts: TensorToWrite[] = [
    { name: key, dtype: 'u8', shape: [(n + 1) >> 1, 1], data: () => q().packed },
    { name: `${prefix}absmax`, dtype: nested ? 'u8' : 'f32', shape: [blocks], data: () => q().absmax },
    { name: `${prefix}quant_map`, dtype: 'f32', shape: [16], data: () => q().code },
  ];
  if (nested) {
    parts.push(
      {
        name: `${prefix}nested_absmax`,
        dtype: 'f32',
        shape: [Math.ceil(blocks / NESTED_BLOCKSIZE)],
        data: () => q().nestedAbsmax!,
      },
      { name: `${prefix}nested_quant_map`, dtype: 'f32', shape: [256], data: () => q().nestedCode! },
    );
  }
  parts.push({
    name: `${prefix}${QUANT_STATE_SUFFIX}`,
    dtype: 'u8',
    shape: [json.length],
    data: () => {
      const d = q();
      if (d.state.nested && d.state.nested.offset !== state.nested?.offset) {
        throw new Error(`quantize: ${key}: the double-quantization offset changed between the two reads`);
      }
      cached = undefined;
      progress(key);
      return json;
    },
  });
  return parts;
}
