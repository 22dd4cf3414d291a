/**
 * The pipeline's one config file: a section per stage (`data`, `sft`, `dpo`, `eval`) beside the
 * run-wide keys (dataset, seed, device, model). The `sft` and `dpo` sections take the training
 * config's keys (TRL / transformers names, as `guinav train` reads them); whatever a section leaves
 * out comes from the built-in recipe. Everything is validated before any work starts, with the
 * key path (`sft.learning_rate`) in the message.
 */
import { GELAB_DPO_STRATEGIES, OBSERVATION_MODES, type ObservationMode } from '@guinav/data-gen';
import {
  type DpoConfig,
  DpoConfigSchema,
  parseTrainingConfig,
  readConfigFile,
  type SftConfig,
  SftConfigSchema,
  TINY_VLM_RECIPE,
} from '@guinav/trainer-core';
import { z } from 'zod';
import { isVisionModel } from '../serving/local-model.js';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** Keys the pipeline sets itself: a section giving one is refused. */
const PIPELINE_OWNED = ['output_dir', 'resume_from_checkpoint', 'device'] as const;

/** A training schema's keys, all optional and without defaults (the recipe fills the gaps). */
function stageSection<S extends z.ZodObject>(schema: S) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape)
      .filter(([key]) => !(PIPELINE_OWNED as readonly string[]).includes(key))
      .map(([key, type]) => [key, ((type instanceof z.ZodDefault ? type.unwrap() : type) as z.ZodType).optional()]),
  );
  return z.object(shape).strict().prefault({});
}

export const PipelineDataSchema = z
  .object({
    /** World shape: a preset, or `nodes_per_level` (children per node at each depth). */
    preset: z.enum(['mini', 'gelab']).default('mini'),
    nodes_per_level: z.array(positiveInt).min(1).nullable().default(null),
    /** Screenshot size, WxH. */
    image_size: z
      .string()
      .regex(/^[1-9]\d*x[1-9]\d*$/, 'expected WxH, e.g. 448x448')
      .default('448x448'),
    sft_subtrees: z.array(nonNegativeInt).min(1).default([0, 1]),
    rl_subtrees: z.array(nonNegativeInt).default([2, 3]),
    test_subtree: nonNegativeInt.default(4),
    /** How prompts show the screen: image, text (elements with boxes) or both; null: image for a vision model, text for a text model. */
    observation: z.enum(OBSERVATION_MODES).nullable().default(null),
    /** Rejection strategies of the DPO pairs (default all). */
    dpo_strategies: z.array(z.enum(GELAB_DPO_STRATEGIES)).min(1).nullable().default(null),
    /** Icon captioning and grounding samples each (null: one per icon occurrence). */
    icon_samples: positiveInt.nullable().default(null),
    /** Share of the DPO pairs held out to measure reward accuracy. */
    dpo_eval_fraction: z.number().min(0).lt(1).default(0.1),
    /** GUI-Odyssey: a dataset root as released (annotations/, screenshots/, splits/); null: synthetic episodes. */
    episodes: z.string().min(1).nullable().default(null),
    /** GUI-Odyssey: a splits file, or random | task | device | app (the root's splits/<name>_split.json); null: random. */
    split: z.string().min(1).nullable().default(null),
    /** GUI-Odyssey without `episodes`: how many synthetic episodes to generate. */
    synthetic_episodes: positiveInt.max(100_000).default(300),
    /** Their screenshots' width in pixels (null: the generator's 224). */
    synthetic_width: z.number().int().min(32).max(4096).nullable().default(null),
  })
  .strict()
  .prefault({});

export const PipelineEvalSchema = z
  .object({
    /** Tokens a reply may have at most. */
    max_new_tokens: positiveInt.default(64),
    /** Largest generation batch. */
    batch_size: positiveInt.default(32),
    /** Run the test subtree's tasks in the simulator. */
    interactive: z.boolean().default(true),
    /** Steps an episode may take. */
    max_steps: positiveInt.default(12),
    /** Episodes in flight at once (their generations are batched together). */
    concurrency: positiveInt.default(32),
    /** Cap on the in-distribution records scored per stage (null: all). */
    id_records: positiveInt.nullable().default(null),
    /** Records generated at each evaluation during training, to pick the best checkpoint (0: loss only). */
    validation_records: nonNegativeInt.default(64),
    /** Episode replays drawn in the report per stage. */
    replays: nonNegativeInt.default(3),
  })
  .strict()
  .prefault({});

export const PipelineConfigSchema = z
  .object({
    dataset: z.enum(['gelab', 'odyssey']).default('gelab'),
    seed: nonNegativeInt.default(42),
    device: z.enum(['auto', 'cpu', 'webgpu']).default('auto'),
    /** A Hugging Face model folder; null: the built-in tiny VLM. */
    model: z.string().min(1).nullable().default(null),
    data: PipelineDataSchema,
    sft: stageSection(SftConfigSchema),
    dpo: stageSection(DpoConfigSchema),
    eval: PipelineEvalSchema,
  })
  .strict();

export type PipelineConfig = z.output<typeof PipelineConfigSchema>;
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;

/** The observation the run's data and simulator use: the config's, else what the model can see. */
export function runObservation(config: PipelineConfig): ObservationMode {
  if (config.data.observation) return config.data.observation;
  return config.model && !isVisionModel(config.model, 'model') ? 'text' : 'image';
}

/** What every training stage adds on top of the recipe: evaluation each epoch and the best checkpoint kept. */
const PIPELINE_TRAINING = {
  eval_strategy: 'epoch',
  save_strategy: 'epoch',
  save_total_limit: 2,
  load_best_model_at_end: true,
  metric_for_best_model: 'step_accuracy',
  greater_is_better: true,
  logging_steps: 5,
} as const;

/** Reads and validates a config file (JSON or YAML) merged under `overrides` (the command-line flags). */
export function loadPipelineConfig(file: string | undefined, overrides: Record<string, unknown> = {}): PipelineConfig {
  const raw = file ? readConfigFile(file) : {};
  const merged = { ...raw, ...overrides, data: { ...(raw.data as object), ...(overrides.data as object) } };
  const source = file ? `${file} (with the command-line flags)` : 'the pipeline settings';
  const config = parseTrainingConfig(PipelineConfigSchema, merged, source);
  // Resolve both stages now, so a bad combination fails before any work.
  stageTrainingConfig(config, 'sft', 'check');
  stageTrainingConfig(config, 'dpo', 'check');
  if (config.eval.validation_records === 0) {
    for (const stage of ['sft', 'dpo'] as const) {
      const metric = (config[stage] as { metric_for_best_model?: string }).metric_for_best_model;
      if (metric?.replace(/^eval_/, '') === 'step_accuracy') {
        throw new Error(
          `${source}: field "${stage}.metric_for_best_model": step_accuracy needs eval.validation_records > 0`,
        );
      }
    }
  }
  return config;
}

/**
 * A stage's full training config: defaults < the tiny VLM's recipe (no `model`) < the pipeline's
 * evaluation settings < the config file's section; `output_dir` is the stage's folder in the run.
 */
export function stageTrainingConfig(config: PipelineConfig, stage: 'sft', outputDir: string): SftConfig;
export function stageTrainingConfig(config: PipelineConfig, stage: 'dpo', outputDir: string): DpoConfig;
export function stageTrainingConfig(
  config: PipelineConfig,
  stage: 'sft' | 'dpo',
  outputDir: string,
): SftConfig | DpoConfig;
export function stageTrainingConfig(
  config: PipelineConfig,
  stage: 'sft' | 'dpo',
  outputDir: string,
): SftConfig | DpoConfig {
  const recipe = config.model ? {} : TINY_VLM_RECIPE[stage];
  const evaluation =
    config.eval.validation_records > 0
      ? PIPELINE_TRAINING
      : { ...PIPELINE_TRAINING, metric_for_best_model: 'eval_loss', greater_is_better: false };
  const merged = {
    seed: config.seed,
    ...recipe,
    ...evaluation,
    ...config[stage],
    output_dir: outputDir,
    device: config.device,
  };
  const source = `the pipeline's "${stage}" section`;
  return stage === 'sft'
    ? parseTrainingConfig(SftConfigSchema, merged, source)
    : parseTrainingConfig(DpoConfigSchema, merged, source);
}
