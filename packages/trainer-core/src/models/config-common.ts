/**
 * What every decoder family's config.json shares (the Hugging Face key names), validated with
 * zod: errors name the file and the key path. Each family extends the common keys with its own
 * and resolves them into the config its modules use.
 */
import { z } from 'zod';
import { DEFAULT_ROPE_SCALING, type RopeScaling } from '../kernels/shapes/rope-frequencies.js';

const positiveInt = z.number().int().positive();

/** Keys common to llama, qwen2 and gemma3_text (unknown keys are kept: saving writes them back). */
export const commonDecoderKeys = {
  vocab_size: positiveInt,
  hidden_size: positiveInt,
  intermediate_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  num_key_value_heads: positiveInt.nullish(),
  head_dim: positiveInt.nullish(),
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_theta: z.number().positive().nullish(),
  /** transformers 5 moves rope settings here (rope_theta, rope_type, factor, ...). */
  rope_parameters: z.record(z.string(), z.unknown()).nullish(),
  rope_scaling: z.record(z.string(), z.unknown()).nullish(),
  initializer_range: z.number().positive().default(0.02),
  max_position_embeddings: positiveInt.nullish(),
  attention_bias: z.boolean().nullish(),
};

export type Activation = 'silu' | 'gelu_pytorch_tanh';
export const activation = z.enum(['silu', 'gelu_pytorch_tanh']);

/** The sizes every decoder has, resolved (defaults filled, consistency checked). */
export interface DecoderDims {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  rmsNormEps: number;
  initializerRange: number;
  tieWordEmbeddings: boolean;
  /** The parsed JSON, unknown keys included (so saving writes them back). */
  raw: Record<string, unknown>;
}

function formatIssues(error: z.ZodError, source: string): string {
  return error.issues.map((i) => `${source}: field "${i.path.join('.') || '(root)'}": ${i.message}`).join('\n');
}

/** Parses `json` with `schema`; `source` (the file) is named in every error. */
export function parseConfigJson<S extends z.ZodType>(schema: S, json: unknown, source: string): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(formatIssues(parsed.error, source));
  return parsed.data;
}

export function configError(source: string, key: string, message: string): Error {
  return new Error(`${source}: field "${key}": ${message}`);
}

interface CommonParsed {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads?: number | null;
  head_dim?: number | null;
  rms_norm_eps: number;
  initializer_range: number;
}

export function resolveDims(c: CommonParsed, tieWordEmbeddings: boolean, source: string): DecoderDims {
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKvHeads !== 0) {
    throw configError(
      source,
      'num_key_value_heads',
      `${numKvHeads} does not divide num_attention_heads ${c.num_attention_heads}`,
    );
  }
  if (c.head_dim == null && c.hidden_size % c.num_attention_heads !== 0) {
    throw configError(
      source,
      'head_dim',
      `missing, and hidden_size ${c.hidden_size} is not a multiple of num_attention_heads ${c.num_attention_heads}`,
    );
  }
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (headDim % 2 !== 0) throw configError(source, 'head_dim', `${headDim} must be even for RoPE`);
  return {
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim,
    rmsNormEps: c.rms_norm_eps,
    initializerRange: c.initializer_range,
    tieWordEmbeddings,
    raw: c as unknown as Record<string, unknown>,
  };
}

/** A layer's RoPE: its base and frequency scaling. */
export interface RopeSpec {
  theta: number;
  scaling: RopeScaling;
}

function scalingNumber(block: Record<string, unknown>, name: string, key: string, source: string): number {
  const v = block[name];
  if (typeof v !== 'number' || !(v > 0)) {
    throw configError(source, `${key}.${name}`, `expected a positive number, got ${JSON.stringify(v ?? null)}`);
  }
  return v;
}

/**
 * The RoPE of a rope-parameters block (`rope_scaling`, or transformers 5's `rope_parameters`):
 * `rope_type` (or the older `type`) default, linear or llama3, and `rope_theta`. Other types
 * (dynamic, yarn, longrope) are refused rather than computing different angles than transformers.
 */
export function ropeSpec(
  block: Record<string, unknown> | null | undefined,
  fallbackTheta: number,
  key: string,
  source: string,
): RopeSpec {
  const type = block?.rope_type ?? block?.type ?? 'default';
  const theta = block?.rope_theta ?? fallbackTheta;
  if (typeof theta !== 'number' || !(theta > 0))
    throw configError(source, `${key}.rope_theta`, 'expected a positive number');
  const num = (name: string) => scalingNumber(block ?? {}, name, key, source);
  let scaling: RopeScaling;
  if (type === 'default') scaling = DEFAULT_ROPE_SCALING;
  else if (type === 'linear') scaling = { type: 'linear', factor: num('factor') };
  else if (type === 'llama3') {
    scaling = {
      type: 'llama3',
      factor: num('factor'),
      lowFreqFactor: num('low_freq_factor'),
      highFreqFactor: num('high_freq_factor'),
      originalMaxPositionEmbeddings: num('original_max_position_embeddings'),
    };
    if (!(scaling.highFreqFactor > scaling.lowFreqFactor)) {
      throw configError(source, `${key}.high_freq_factor`, 'must be greater than low_freq_factor');
    }
  } else {
    throw configError(
      source,
      `${key}.rope_type`,
      `"${String(type)}" RoPE scaling is not supported yet (supported: default, linear, llama3)`,
    );
  }
  return { theta, scaling };
}
