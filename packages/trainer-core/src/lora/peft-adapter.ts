/**
 * PEFT's adapter format, read and written exactly: `adapter_config.json` (PEFT's LoraConfig,
 * `json.dumps(indent=2, sort_keys=True)`, no trailing newline) and `adapter_model.safetensors`
 * (`{"format": "pt"}`, keys `base_model.model.<module path>.lora_A.weight` [r, in] and
 * `.lora_B.weight` [out, r]), so adapters move both ways between guinav and PEFT.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, sortKeys, writeTextFileAtomic } from '../io/files.js';
import { SafetensorsFile } from '../io/safetensors/reader.js';
import { writeSafetensors } from '../io/safetensors/writer.js';
import type { Module } from '../nn/module.js';
import { toF32 } from '../nn/state-dict.js';
import { assign } from '../ops/transfer.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { applyLora, loraLayers } from './apply-lora.js';

export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';
const KEY_PREFIX = 'base_model.model.';

const AdapterConfigSchema = z
  .object({
    peft_type: z.literal('LORA'),
    task_type: z.string().nullish(),
    base_model_name_or_path: z.string().nullish(),
    r: z.number().int().positive(),
    lora_alpha: z.number().positive(),
    lora_dropout: z.number().min(0).lt(1).default(0),
    target_modules: z.union([z.array(z.string()), z.string()]),
    bias: z.string().default('none'),
    use_rslora: z.boolean().default(false),
    use_dora: z.boolean().default(false),
    fan_in_fan_out: z.boolean().default(false),
    modules_to_save: z.array(z.string()).nullish(),
    layers_to_transform: z.unknown().nullish(),
    rank_pattern: z.record(z.string(), z.unknown()).nullish(),
    alpha_pattern: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export type AdapterConfig = z.output<typeof AdapterConfigSchema>;

export interface SaveAdapterOptions {
  /** Written as base_model_name_or_path: the model the adapter applies to (after SFT: the merged SFT model). */
  baseModelNameOrPath: string;
}

/** Writes the model's LoRA adapters as a PEFT adapter folder (each file atomically). */
export async function saveAdapter(dir: string, model: Module, options: SaveAdapterOptions): Promise<void> {
  const layers = loraLayers(model);
  if (layers.length === 0) throw new Error('saveAdapter: the model has no LoRA adapters');
  const s = layers[0]![1].settings;
  const tensors = layers.flatMap(([p, layer]) =>
    (['lora_A', 'lora_B'] as const).map((part) => {
      const w = layer[part].weight;
      return { name: `${KEY_PREFIX}${p}.${part}.weight`, dtype: w.dtype, shape: w.shape, data: () => w.data() };
    }),
  );
  fs.mkdirSync(dir, { recursive: true });
  await writeSafetensors(path.join(dir, ADAPTER_WEIGHTS_FILE), tensors);
  const config = {
    alpha_pattern: {},
    base_model_name_or_path: options.baseModelNameOrPath,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: s.alpha,
    lora_dropout: s.dropout,
    modules_to_save: null,
    peft_type: 'LORA',
    r: s.r,
    rank_pattern: {},
    revision: null,
    target_modules: [...new Set(layers.map(([p]) => p.split('.').at(-1)!))].sort(),
    task_type: 'CAUSAL_LM',
    use_dora: false,
    use_rslora: s.rslora,
  };
  await writeTextFileAtomic(path.join(dir, ADAPTER_CONFIG_FILE), JSON.stringify(sortKeys(config), null, 2));
}

export function readAdapterConfig(dir: string): AdapterConfig {
  const file = path.join(dir, ADAPTER_CONFIG_FILE);
  const parsed = AdapterConfigSchema.safeParse(readJsonFile(file));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${file}: field "${i.path.join('.')}": ${i.message}`);
  }
  const c = parsed.data;
  const refuse = (key: string, why: string) => new Error(`${file}: field "${key}": ${why} is not supported`);
  if (c.use_dora) throw refuse('use_dora', 'DoRA');
  if (c.bias !== 'none') throw refuse('bias', `bias "${c.bias}"`);
  if (c.fan_in_fan_out) throw refuse('fan_in_fan_out', 'fan_in_fan_out (Conv1D layers)');
  if (c.modules_to_save?.length) throw refuse('modules_to_save', 'saving full modules with the adapter');
  if (c.layers_to_transform != null) throw refuse('layers_to_transform', 'a layer subset');
  if (Object.keys(c.rank_pattern ?? {}).length || Object.keys(c.alpha_pattern ?? {}).length) {
    throw refuse('rank_pattern', 'per-module ranks');
  }
  return c;
}

/** PEFT's key of a LoRA tensor -> [module path, 'lora_A' | 'lora_B'] (adapter names such as `.default` dropped). */
function parseKey(key: string): [string, 'lora_A' | 'lora_B'] | undefined {
  const m = /^base_model\.model\.(.+)\.(lora_A|lora_B)(?:\.[^.]+)?\.weight$/.exec(key);
  return m ? [m[1]!, m[2] as 'lora_A' | 'lora_B'] : undefined;
}

/** The adapter file's LoRA tensors by module path and part. */
function adapterEntries(file: SafetensorsFile, modulePath: (peftPath: string) => string = (p) => p) {
  return file.keys().map((k) => {
    const parsed = parseKey(k);
    if (!parsed)
      throw new Error(`${file.name}: tensor ${k} is not a LoRA A/B weight (base_model.model.<path>.lora_A.weight)`);
    return { key: k, path: modulePath(parsed[0]), part: parsed[1] };
  });
}

/** Copies the adapter file's weights into the model's existing LoRA layers (checked by key, shape and dtype). */
function fillAdapter(file: SafetensorsFile, model: Module, entries: ReturnType<typeof adapterEntries>): void {
  const layers = new Map(loraLayers(model));
  for (const e of entries) {
    const layer = layers.get(e.path);
    if (!layer) throw new Error(`${file.name}: the adapter targets ${e.path}, which is not a LoRA layer of this model`);
    const dst = layer[e.part].weight;
    const meta = file.meta(e.key);
    if (!shapesEqual(meta.shape, dst.shape)) {
      throw new RangeError(
        `${file.name}: tensor ${e.key} has shape ${formatShape(meta.shape)}, the model expects ${formatShape(dst.shape)}`,
      );
    }
    const data = file.read(e.key);
    const converted = meta.dtype === dst.dtype ? data : dst.dtype === 'f32' ? toF32(data, meta.dtype) : undefined;
    if (!converted) throw new TypeError(`${file.name}: tensor ${e.key} is ${meta.dtype}, expected ${dst.dtype}`);
    assign(dst, converted);
  }
}

export interface LoadAdapterOptions {
  /**
   * The model's module path for a path the adapter names (default: the same), e.g. a family's
   * checkpoint-key map, so an adapter saved on transformers >= 4.52 LLaVA modules
   * (`model.language_model.layers...`) lands on guinav's (`language_model.model.layers...`).
   */
  modulePath?: (peftPath: string) => string;
}

/** Adds the adapter in `dir` to `model` (PEFT layout; targets from its config) and loads its weights. */
export function loadAdapter(dir: string, model: Module, options: LoadAdapterOptions = {}): AdapterConfig {
  const config = readAdapterConfig(dir);
  const file = SafetensorsFile.open(path.join(dir, ADAPTER_WEIGHTS_FILE));
  const modulePath = options.modulePath ?? ((p: string) => p);
  try {
    const entries = adapterEntries(file, modulePath);
    const modules = new Set(model.namedModules().map(([p]) => p));
    const stray = entries.find((e) => !modules.has(e.path));
    if (stray) {
      throw new Error(
        `${file.name}: tensor ${stray.key} targets ${stray.path}, which this model does not have (an adapter for another model?)`,
      );
    }
    // The layers the weights name are the targets (PEFT resolved the config's patterns when saving).
    applyLora(model, {
      r: config.r,
      alpha: config.lora_alpha,
      dropout: config.lora_dropout,
      rslora: config.use_rslora,
      targetModules: [...new Set(entries.map((e) => e.path))],
    });
    fillAdapter(file, model, entries);
    return config;
  } finally {
    file.close();
  }
}

/** Loads an adapter's weights into a model that already has those LoRA layers (resuming training). */
export function loadAdapterWeights(dir: string, model: Module): void {
  readAdapterConfig(dir);
  const file = SafetensorsFile.open(path.join(dir, ADAPTER_WEIGHTS_FILE));
  try {
    fillAdapter(file, model, adapterEntries(file));
  } finally {
    file.close();
  }
}
