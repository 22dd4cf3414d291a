/**
 * Decoder configuration with the Hugging Face config.json key names, validated with zod; errors
 * name the file and the field. `resolveDecoderConfig` fills the defaults transformers uses.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();

export const DecoderConfigSchema = z
  .object({
    model_type: z.string().default('llama'),
    vocab_size: positiveInt,
    hidden_size: positiveInt,
    intermediate_size: positiveInt,
    num_hidden_layers: positiveInt,
    num_attention_heads: positiveInt,
    num_key_value_heads: positiveInt.optional(),
    head_dim: positiveInt.optional(),
    rms_norm_eps: z.number().positive().default(1e-6),
    rope_theta: z.number().positive().optional(),
    rope_parameters: z.object({ rope_theta: z.number().positive().optional() }).loose().optional(),
    tie_word_embeddings: z.boolean().default(false),
    hidden_act: z.enum(['silu', 'gelu_pytorch_tanh']).optional(),
    /** Gemma's name for hidden_act. */
    hidden_activation: z.enum(['silu', 'gelu_pytorch_tanh']).optional(),
    attention_bias: z.boolean().optional(),
    initializer_range: z.number().positive().default(0.02),
    max_position_embeddings: positiveInt.optional(),
  })
  .loose();

export type DecoderConfigJson = z.input<typeof DecoderConfigSchema>;

/** The config with every default filled in, as the decoder uses it. */
export interface DecoderConfig {
  modelType: string;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  rmsNormEps: number;
  ropeTheta: number;
  tieWordEmbeddings: boolean;
  hiddenAct: 'silu' | 'gelu_pytorch_tanh';
  /** q/k/v projection biases: Qwen2 always, Llama when attention_bias. */
  qkvBias: boolean;
  initializerRange: number;
  /** The parsed JSON, unknown keys included (so saving writes them back). */
  raw: Record<string, unknown>;
}

function formatIssues(error: z.ZodError, source: string): string {
  return error.issues.map((i) => `${source}: field "${i.path.join('.') || '(root)'}": ${i.message}`).join('\n');
}

/** Parses a config.json object; `source` names the file in errors. */
export function parseDecoderConfig(json: unknown, source = 'config.json'): DecoderConfig {
  const parsed = DecoderConfigSchema.safeParse(json);
  if (!parsed.success) throw new Error(formatIssues(parsed.error, source));
  const c = parsed.data;
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKvHeads !== 0) {
    throw new Error(
      `${source}: field "num_key_value_heads": ${numKvHeads} does not divide num_attention_heads ${c.num_attention_heads}`,
    );
  }
  if (c.head_dim === undefined && c.hidden_size % c.num_attention_heads !== 0) {
    throw new Error(
      `${source}: field "head_dim": missing, and hidden_size ${c.hidden_size} is not a multiple of num_attention_heads ${c.num_attention_heads}`,
    );
  }
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (headDim % 2 !== 0) throw new Error(`${source}: field "head_dim": ${headDim} must be even for RoPE`);
  return {
    modelType: c.model_type,
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim,
    rmsNormEps: c.rms_norm_eps,
    ropeTheta: c.rope_theta ?? c.rope_parameters?.rope_theta ?? 10000,
    tieWordEmbeddings: c.tie_word_embeddings,
    hiddenAct: c.hidden_act ?? c.hidden_activation ?? 'silu',
    qkvBias: c.attention_bias ?? c.model_type === 'qwen2',
    initializerRange: c.initializer_range,
    raw: c as Record<string, unknown>,
  };
}
