/**
 * Training configuration: zod schemas whose keys are TRL's and transformers' TrainingArguments
 * names, so a config written for TRL reads the same here. Unknown keys and wrong types fail before
 * any work, with the key path and the file in the message. Files are JSON or YAML; command-line
 * flags override file values (the CLI maps `--max-steps` and `--max_steps` to `max_steps`).
 */
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const steps = positiveInt.nullable();

/** What every stage shares (transformers TrainingArguments + TRL ModelConfig's LoRA keys). */
export const baseTrainingKeys = {
  output_dir: z.string().min(1),
  learning_rate: z.number().positive(),
  num_train_epochs: z.number().positive().default(1),
  /** > 0 overrides num_train_epochs, as in transformers (-1 = off). */
  max_steps: z.number().int().min(-1).default(-1),
  per_device_train_batch_size: positiveInt.default(2),
  per_device_eval_batch_size: positiveInt.default(8),
  gradient_accumulation_steps: positiveInt.default(1),
  warmup_ratio: z.number().min(0).max(1).default(0),
  warmup_steps: nonNegativeInt.default(0),
  lr_scheduler_type: z.enum(['linear', 'cosine', 'constant', 'constant_with_warmup']).default('linear'),
  weight_decay: z.number().min(0).default(0),
  adam_beta1: z.number().min(0).lt(1).default(0.9),
  adam_beta2: z.number().min(0).lt(1).default(0.999),
  adam_epsilon: z.number().positive().default(1e-8),
  max_grad_norm: z.number().positive().nullable().default(1),
  logging_steps: positiveInt.default(10),
  eval_strategy: z.enum(['no', 'steps', 'epoch']).default('no'),
  /** Defaults to logging_steps, as in transformers. */
  eval_steps: steps.default(null),
  save_strategy: z.enum(['no', 'steps', 'epoch']).default('steps'),
  save_steps: positiveInt.default(500),
  save_total_limit: positiveInt.nullable().default(null),
  load_best_model_at_end: z.boolean().default(false),
  metric_for_best_model: z.string().default('eval_loss'),
  greater_is_better: z.boolean().nullable().default(null),
  /**
   * Stop after this many evaluations without improving metric_for_best_model by more than
   * early_stopping_threshold (transformers' EarlyStoppingCallback; needs load_best_model_at_end).
   */
  early_stopping_patience: positiveInt.nullable().default(null),
  early_stopping_threshold: z.number().min(0).default(0),
  seed: z.number().int().default(42),
  max_length: positiveInt.nullable().default(1024),
  group_by_length: z.boolean().default(false),
  resume_from_checkpoint: z.string().nullable().default(null),
  device: z.enum(['auto', 'cpu', 'webgpu']).default('auto'),
  /** LoRA (TRL ModelConfig names); use_peft false trains every parameter. */
  use_peft: z.boolean().default(false),
  lora_r: positiveInt.default(16),
  lora_alpha: z.number().positive().default(32),
  lora_dropout: z.number().min(0).lt(1).default(0.05),
  lora_target_modules: z.union([z.array(z.string().min(1)).min(1), z.literal('all-linear')]).default('all-linear'),
  use_rslora: z.boolean().default(false),
  /** `nf4` loads the base's linear layers in 4-bit NF4 and trains LoRA on top (QLoRA; needs use_peft). */
  quantize: z.enum(['none', 'nf4']).default('none'),
  /** Double quantisation of the NF4 absmax values (TRL ModelConfig's name). */
  use_bnb_nested_quant: z.boolean().default(false),
};

export const SftConfigSchema = z
  .object({
    ...baseTrainingKeys,
    learning_rate: baseTrainingKeys.learning_rate.default(1e-4),
    /** Loss on completion tokens only (TRL's completion_only_loss / assistant-only for chat data). */
    completion_only_loss: z.boolean().default(true),
  })
  .strict();

export const DpoConfigSchema = z
  .object({
    ...baseTrainingKeys,
    learning_rate: baseTrainingKeys.learning_rate.default(5e-5),
    beta: z.number().positive().default(0.1),
    loss_type: z.enum(['sigmoid', 'ipo', 'hinge', 'robust']).default('sigmoid'),
    label_smoothing: z.number().min(0).lt(0.5).default(0),
    max_prompt_length: positiveInt.nullable().default(512),
    max_completion_length: positiveInt.nullable().default(null),
    /** Score every pair with the reference once before training; training then runs no reference forward. */
    precompute_ref_log_probs: z.boolean().default(false),
    /** Batch size of that pass; null: per_device_train_batch_size (eval: per_device_eval_batch_size). */
    precompute_ref_batch_size: positiveInt.nullable().default(null),
    /**
     * TRL's RPO term: adds rpo_alpha x the chosen completions' NLL (mean over their tokens) to the
     * DPO loss, which keeps the chosen answers likely while the margin grows (null: off).
     */
    rpo_alpha: z.number().nonnegative().nullable().default(null),
  })
  .strict();

export type TrainingConfigInput = z.input<typeof SftConfigSchema>;
export type SftConfig = z.output<typeof SftConfigSchema>;
export type DpoConfig = z.output<typeof DpoConfigSchema>;
/** What the training loop itself reads (both stages have it). */
export type TrainingConfig = Pick<SftConfig, keyof typeof baseTrainingKeys>;

function formatIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((i) => {
      const key = i.path.join('.');
      if (i.code === 'unrecognized_keys')
        return `${source}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${key ? `${key}.` : ''}${k}"`).join(', ')}`;
      return `${source}: field "${key || '(root)'}": ${i.message}`;
    })
    .join('\n');
}

/** Validates a config object (file values merged with flag overrides) against a stage's schema. */
export function parseTrainingConfig<S extends z.ZodType>(schema: S, value: unknown, source = 'config'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(formatIssues(parsed.error, source));
  return parsed.data;
}

/** Reads a JSON (.json) or YAML (.yaml / .yml) config file into a plain object. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `${file}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${file}: expected an object of settings`);
  return value as Record<string, unknown>;
}
