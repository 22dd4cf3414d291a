/**
 * The `quantization_config` of config.json as transformers writes it for a bitsandbytes model
 * (BitsAndBytesConfig.to_dict(), keys sorted like the rest of the file), and reading it back:
 * which checkpoints guinav loads as NF4 (load_in_4bit, nf4), which it dequantizes (load_in_8bit),
 * and which it refuses (fp4, other quantization methods) with a message naming the field.
 */
import { z } from 'zod';
import type { Module } from '../nn/module.js';
import { Nf4Linear } from './nf4-linear.js';
import { PyInt, type PyJson, pyFloat, pyJsonDumps } from './python-json.js';
import type { TorchDType } from './quant-state.js';

export interface Bnb4bitConfig {
  doubleQuant: boolean;
  computeDType: TorchDType;
  skipModules?: readonly string[];
}

/** BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", ...).to_dict(). */
export function bnb4bitQuantizationConfig(c: Bnb4bitConfig): Record<string, PyJson> {
  return {
    _load_in_4bit: true,
    _load_in_8bit: false,
    bnb_4bit_compute_dtype: c.computeDType,
    bnb_4bit_quant_storage: 'uint8',
    bnb_4bit_quant_type: 'nf4',
    bnb_4bit_use_double_quant: c.doubleQuant,
    llm_int8_enable_fp32_cpu_offload: false,
    llm_int8_has_fp16_weight: false,
    llm_int8_skip_modules: c.skipModules ? [...c.skipModules] : null,
    llm_int8_threshold: pyFloat(6),
    load_in_4bit: true,
    load_in_8bit: false,
    quant_method: 'bitsandbytes',
  };
}

/** BitsAndBytesConfig(load_in_8bit=True).to_dict() (LLM.int8() weights). */
export function bnb8bitQuantizationConfig(skipModules?: readonly string[]): Record<string, PyJson> {
  return {
    ...bnb4bitQuantizationConfig({ doubleQuant: false, computeDType: 'float32', skipModules }),
    _load_in_4bit: false,
    _load_in_8bit: true,
    bnb_4bit_quant_type: 'fp4',
    load_in_4bit: false,
    load_in_8bit: true,
  };
}

const QuantizationConfigSchema = z
  .object({
    quant_method: z.string(),
    load_in_4bit: z.boolean().optional(),
    load_in_8bit: z.boolean().optional(),
    _load_in_4bit: z.boolean().optional(),
    _load_in_8bit: z.boolean().optional(),
    bnb_4bit_quant_type: z.string().optional(),
    bnb_4bit_use_double_quant: z.boolean().optional(),
    llm_int8_skip_modules: z.array(z.string()).nullish(),
  })
  .loose();

export type StoredQuantization =
  | { kind: 'nf4'; skipModules?: readonly string[] }
  | { kind: 'int8'; skipModules?: readonly string[] };

/** What config.json's quantization_config says the checkpoint holds (undefined: full precision). */
export function storedQuantization(raw: Record<string, unknown>, where: string): StoredQuantization | undefined {
  if (raw.quantization_config === undefined || raw.quantization_config === null) return undefined;
  const parsed = QuantizationConfigSchema.safeParse(raw.quantization_config);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${where}: field "quantization_config.${i.path.join('.')}": ${i.message}`);
  }
  const q = parsed.data;
  if (q.quant_method !== 'bitsandbytes') {
    throw new Error(
      `${where}: field "quantization_config.quant_method": "${q.quant_method}" is not supported (guinav reads bitsandbytes NF4 and int8 checkpoints)`,
    );
  }
  const skipModules = q.llm_int8_skip_modules ?? undefined;
  if (q.load_in_4bit ?? q._load_in_4bit) {
    const type = q.bnb_4bit_quant_type ?? 'fp4';
    if (type !== 'nf4') {
      throw new Error(
        `${where}: field "quantization_config.bnb_4bit_quant_type": "${type}" is not supported (guinav reads nf4)`,
      );
    }
    return { kind: 'nf4', skipModules };
  }
  if (q.load_in_8bit ?? q._load_in_8bit) return { kind: 'int8', skipModules };
  throw new Error(`${where}: field "quantization_config": neither load_in_4bit nor load_in_8bit is set`);
}

/** The quantization_config a model with NF4 layers is saved with (undefined when it has none). */
export function quantizationConfigOf(model: Module): Record<string, PyJson> | undefined {
  const layers = model.namedModules().filter(([, m]) => m instanceof Nf4Linear) as [string, Nf4Linear][];
  if (layers.length === 0) return undefined;
  return bnb4bitQuantizationConfig({
    doubleQuant: layers.some(([, l]) => l.state.nested !== undefined),
    computeDType: 'float32',
  });
}

/** A parsed JSON value for pyJsonDumps: integral numbers as ints (what JSON.stringify would print too). */
function toPyJson(value: unknown): PyJson {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? new PyInt(value) : value;
  if (Array.isArray(value)) return value.map(toPyJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPyJson(v)]));
  }
  return value as PyJson;
}

/**
 * config.json of a model with quantized layers: `config` plus `quantization_config`, sorted and
 * indented as transformers writes it, floats in the quantization config as Python writes them
 * (transformers refuses an int llm_int8_threshold).
 */
export function quantizedConfigJson(config: Record<string, unknown>, qc: Record<string, PyJson>): string {
  const { quantization_config: _, ...rest } = config;
  return `${pyJsonDumps({ ...(toPyJson(rest) as Record<string, PyJson>), quantization_config: qc }, { indent: 2, sortKeys: true })}\n`;
}
