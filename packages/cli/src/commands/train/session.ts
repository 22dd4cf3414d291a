/**
 * One training run from the CLI: the config (defaults < --config file < flags), the backend, the
 * model (a Hugging Face folder, or the built-in tiny VLM), LoRA when asked, the data tokenized for
 * that model, the objective (SFT, DPO or GRPO) and the shared Trainer, with Ctrl-C / SIGTERM saving
 * a checkpoint before exiting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkOutputApart } from '@guinav/data-gen';
import {
  DpoObjective,
  type PrecomputeReferenceOptions,
  type PreferenceBatch,
  type PreferenceExample,
  precomputeReferenceLogps,
} from '@guinav/dpo';
import {
  adapterTarget,
  applyLora,
  type Backend,
  type CausalLMBatch,
  copyCompanionFiles,
  createTinyVlm,
  type DpoConfig,
  DpoConfigSchema,
  ExampleBatches,
  type GrpoConfig,
  GrpoConfigSchema,
  type LoadedModel,
  loadModel,
  moduleTarget,
  parseTrainingConfig,
  readConfigFile,
  readPreferencePairs,
  readPromptCompletions,
  type SftConfig,
  SftConfigSchema,
  SftObjective,
  saveMergedModel,
  saveModelFolder,
  saveTokenizer,
  type Tensor,
  TINY_VLM_RECIPE,
  type TokenizedExample,
  type Tokenizer,
  Trainer,
  type TrainerEvent,
  type TrainingConfig,
  type TrainingObjective,
  type TrainingTarget,
  type TrainResult,
} from '@guinav/trainer-core';
import { initCliBackend } from '../../device.js';
import { InterruptedError, interruptible } from '../../interrupt.js';
import { createProgressDisplay } from '../../progress.js';
import { grpoParts, parseRlStage } from '../../rl/grpo-parts.js';
import { configFromFlags } from './config-flags.js';
import { type ModelData, modelData } from './model-data.js';
import { referenceLogits, startModelLogits } from './reference.js';

export type TrainStage = 'sft' | 'dpo' | 'grpo';
type StageConfig = SftConfig | DpoConfig | GrpoConfig;
const SCHEMAS = { sft: SftConfigSchema, dpo: DpoConfigSchema, grpo: GrpoConfigSchema } as const;

export interface TrainCommandOptions extends TrainInputs {
  config?: string;
  [flag: string]: unknown;
}

/** The stage's config: defaults (the tiny VLM's recipe when no --model), then the --config file, then the flags. */
export function resolveTrainConfig(stage: 'sft', opts: TrainCommandOptions): SftConfig;
export function resolveTrainConfig(stage: 'dpo', opts: TrainCommandOptions): DpoConfig;
export function resolveTrainConfig(stage: 'grpo', opts: TrainCommandOptions): GrpoConfig;
export function resolveTrainConfig(stage: TrainStage, opts: TrainCommandOptions): StageConfig;
export function resolveTrainConfig(stage: TrainStage, opts: TrainCommandOptions): StageConfig {
  const file = opts.config ? readConfigFile(opts.config) : {};
  const recipe = opts.model ? {} : TINY_VLM_RECIPE[stage];
  const merged = { output_dir: path.join('runs', `train-${stage}`), ...recipe, ...file, ...configFromFlags(opts) };
  const source = opts.config ? `${opts.config} (with the command-line flags)` : 'the command-line flags';
  return parseTrainingConfig(SCHEMAS[stage], merged, source);
}

function requireTokenizer(loaded: LoadedModel): Tokenizer {
  if (!loaded.tokenizer)
    throw new Error(`--model ${loaded.dir}: the folder has no tokenizer.json; training needs its tokenizer`);
  return loaded.tokenizer;
}

/** What training writes: the adapter (LoRA) or the whole model, with its tokenizer. */
function makeTarget(loaded: LoadedModel, tokenizer: Tokenizer, lora: boolean, baseName: string): TrainingTarget {
  const model = loaded.model;
  if (lora) {
    return adapterTarget(model, {
      baseModelNameOrPath: baseName,
      writeFiles: async (dir) => {
        await saveTokenizer(dir, tokenizer);
        copyCompanionFiles(loaded.dir, dir);
      },
    });
  }
  return {
    ...moduleTarget(model),
    save: async (dir) => {
      await saveModelFolder(dir, loaded);
    },
  };
}

function progressListener(stage: string): { onEvent: (e: TrainerEvent) => void; stop: () => void } {
  const display = createProgressDisplay(stage);
  let last: Record<string, string> = {};
  return {
    onEvent: (e) => {
      if (e.type === 'log') {
        const r = e.record;
        last = Object.fromEntries(
          Object.entries({ loss: r.loss ?? r.eval_loss, reward: r.reward, lr: r.learning_rate })
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, k === 'lr' ? v!.toExponential(2) : v!.toFixed(4)]),
        );
      }
      if (e.type === 'step') {
        display.update({
          phase: stage,
          done: e.step,
          total: e.maxSteps,
          info: { epoch: e.epoch.toFixed(2), ...last, 'tok/s': e.tokensPerSecond.toFixed(0) },
        });
      }
    },
    stop: () => display.stop(),
  };
}

export interface TrainOutcome {
  result: TrainResult;
  outputDir: string;
}

/** The files a training run reads. */
export interface TrainInputs {
  dataset: string;
  evalDataset?: string;
  /** A model folder; none: (SFT) the built-in tiny VLM, created in the output folder. */
  model?: string;
  /** DPO, GRPO: the SFT adapter the stage starts from (merged into the base; a fresh adapter trains on top). */
  adapter?: string;
  /** GRPO: st (st_rl.json) or mt (mt_rl.json). */
  stage?: string;
  /** GRPO: the world (multi-turn rollouts, the a2b rewards) and its screenshots. */
  uiStructure?: string;
  imagesDir?: string;
}

/** The model being trained, as hooks see it. */
export interface TrainingSession {
  loaded: LoadedModel;
  data: ModelData;
}

export interface TrainHooks {
  onEvent?: (e: TrainerEvent) => void;
  /** Metrics that need the model being trained (generated replies), computed at each evaluation. */
  evalMetrics?: (session: TrainingSession) => () => Promise<Record<string, number>>;
  /** Label of the progress line (default the stage). */
  label?: string;
  /** The backend to train on (default: a new one for config.device). */
  backend?: Backend;
}

/** The model to train: --model, or (SFT) the built-in tiny VLM created in the output folder. */
async function modelFolder(stage: TrainStage, opts: TrainInputs, config: TrainingConfig): Promise<string> {
  if (opts.model) return opts.model;
  if (stage === 'dpo') throw new Error("--model: give the model DPO starts from (e.g. the SFT run's final_model)");
  const dir = path.join(config.output_dir, 'base_model');
  if (!fs.existsSync(path.join(dir, 'config.json'))) {
    const { model } = await createTinyVlm({ dir, size: 'tiny', seed: config.seed });
    model.dispose();
  }
  return dir;
}

/** `guinav train sft|dpo|grpo`: the config from defaults, file and flags, then the run; Ctrl-C saves a checkpoint. */
export async function runTrain(
  stage: TrainStage,
  opts: TrainCommandOptions,
  events?: (e: TrainerEvent) => void,
): Promise<TrainOutcome> {
  const config = resolveTrainConfig(stage, opts);
  const outcome = await interruptible((signal) => trainModel(stage, config, opts, { onEvent: events }, signal));
  if (outcome.result.status === 'interrupted') {
    process.stderr.write(
      `\nstopped at step ${outcome.result.globalStep}; resume with --resume-from-checkpoint ${outcome.result.dir}\n`,
    );
    throw new InterruptedError();
  }
  return outcome;
}

/**
 * One training run with a resolved config: the backend, the model, LoRA when asked, the data
 * tokenized for that model, the objective and the Trainer. Aborting `signal` stops at the next
 * step with a checkpoint (status `interrupted`).
 */
export async function trainModel(
  stage: TrainStage,
  config: StageConfig,
  opts: TrainInputs,
  hooks: TrainHooks = {},
  signal?: AbortSignal,
): Promise<TrainOutcome> {
  await checkOutputApart(
    { label: 'output_dir', path: config.output_dir, files: [config.output_dir] },
    [
      { label: '--dataset', path: opts.dataset },
      { label: '--eval-dataset', path: opts.evalDataset ?? '' },
      { label: '--model', path: opts.model ?? '' },
      { label: '--adapter', path: opts.adapter ?? '' },
      { label: '--ui-structure', path: opts.uiStructure ?? '' },
      { label: '--images-dir', path: opts.imagesDir ?? '' },
    ].filter((p) => p.path !== ''),
  );
  const rlStage = stage === 'grpo' ? parseRlStage(opts.stage) : undefined;
  const backend = hooks.backend ?? (await initCliBackend(config.device)).backend;
  const folder = await modelFolder(stage, opts, config);
  if (config.quantize === 'nf4' && !config.use_peft) {
    throw new Error('quantize nf4: a 4-bit base is frozen, so QLoRA trains LoRA adapters on it; set use_peft true');
  }
  const quantize =
    config.quantize === 'nf4' ? { type: 'nf4' as const, doubleQuant: config.use_bnb_nested_quant } : undefined;
  const loaded = await loadModel(folder, { backend, label: '--model', quantize });
  const tokenizer = requireTokenizer(loaded);
  const data = modelData(loaded, tokenizer);
  let start = path.resolve(folder);
  if (stage !== 'sft' && opts.adapter) {
    // The SFT adapter becomes part of the base; the reference of DPO and GRPO is that merged SFT model.
    start = path.resolve(config.output_dir, 'sft_merged');
    await saveMergedModel(start, loaded, opts.adapter, { label: '--adapter' });
  }
  if (config.use_peft) {
    applyLora(loaded.model, {
      r: config.lora_r,
      alpha: config.lora_alpha,
      dropout: config.lora_dropout,
      rslora: config.use_rslora,
      targetModules: config.lora_target_modules,
      seed: config.seed,
    });
  }
  const target = makeTarget(loaded, tokenizer, config.use_peft, start);
  const label = hooks.label ?? stage;
  const parts =
    stage === 'sft'
      ? sftParts(config as SftConfig, opts, loaded, data)
      : stage === 'dpo'
        ? await dpoParts(config as DpoConfig, opts, loaded, data, { startFolder: start, backend, label, signal })
        : ((await grpoParts(
            config as GrpoConfig,
            { dataset: opts.dataset, stage: rlStage!, uiStructure: opts.uiStructure, imagesDir: opts.imagesDir },
            loaded,
            tokenizer,
            start,
            backend,
          )) as unknown as StageParts);
  const progress = progressListener(label);
  try {
    const result = await new Trainer<CausalLMBatch>({
      config,
      target,
      objective: parts.objective,
      train: parts.train,
      eval: parts.eval,
      evalMetrics: hooks.evalMetrics?.({ loaded, data }),
      signal,
      onEvent: (e) => {
        progress.onEvent(e);
        hooks.onEvent?.(e);
      },
    }).run();
    return { result, outputDir: config.output_dir };
  } finally {
    progress.stop();
    loaded.model.dispose();
  }
}

interface StageParts {
  objective: TrainingObjective<CausalLMBatch>;
  train: ExampleBatches<unknown, CausalLMBatch>;
  eval?: ExampleBatches<unknown, CausalLMBatch>;
}

function batches<E>(
  examples: E[],
  collate: (es: E[]) => CausalLMBatch | Promise<CausalLMBatch>,
  batchSize: number,
  seed: number,
  shuffle: boolean,
  lengthOf?: (e: E) => number,
) {
  return new ExampleBatches(examples, collate, { batchSize, seed, shuffle, lengthOf }) as ExampleBatches<
    unknown,
    CausalLMBatch
  >;
}

function sftParts(config: SftConfig, opts: TrainInputs, loaded: LoadedModel, data: ModelData): StageParts {
  const examples = (file: string) => readPromptCompletions(file).map((r) => data.sftExample(r));
  const collate = (es: TokenizedExample[]) => data.collateSft(es, config.max_length);
  const lengthOf = config.group_by_length ? (e: TokenizedExample) => e.inputIds.length : undefined;
  return {
    objective: new SftObjective(data.logits(loaded.model)),
    train: batches(examples(opts.dataset), collate, config.per_device_train_batch_size, config.seed, true, lengthOf),
    eval: opts.evalDataset
      ? batches(examples(opts.evalDataset), collate, config.per_device_eval_batch_size, config.seed, false)
      : undefined,
  };
}

interface DpoStart {
  /** The folder of the model DPO starts from (the merged SFT model when an adapter was given). */
  startFolder: string;
  backend: Backend;
  /** Progress label of the run. */
  label: string;
  signal?: AbortSignal;
}

async function dpoParts(
  config: DpoConfig,
  opts: TrainInputs,
  loaded: LoadedModel,
  data: ModelData,
  start: DpoStart,
): Promise<StageParts> {
  const read = (file: string) => readPreferencePairs(file).map((p) => data.preferenceExample(p));
  const collate = (es: PreferenceExample[]) =>
    data.collatePreference(es, {
      maxPromptLength: config.max_prompt_length,
      maxCompletionLength: config.max_completion_length,
      maxLength: config.max_length,
    });
  let train = read(opts.dataset);
  let evalSet = opts.evalDataset ? read(opts.evalDataset) : undefined;
  let reference: ((batch: CausalLMBatch) => Tensor) | undefined;
  if (config.precompute_ref_log_probs) {
    // TRL's order: the train split, then the eval split, each in its own order, before any step.
    const score = (examples: PreferenceExample[], split: string, batchSize: number) =>
      precomputeWithProgress(examples, `${start.label}: reference log-probs (${split})`, {
        collate,
        reference: startModelLogits(config.use_peft, loaded, data.logits),
        batchSize,
        lossType: config.loss_type,
        signal: start.signal,
      });
    train = await score(train, 'train', config.precompute_ref_batch_size ?? config.per_device_train_batch_size);
    if (evalSet) {
      evalSet = await score(evalSet, 'eval', config.precompute_ref_batch_size ?? config.per_device_eval_batch_size);
    }
  } else {
    reference = await referenceLogits(config.use_peft, loaded, start.startFolder, start.backend, data.logits);
  }
  return {
    objective: new DpoObjective({
      policy: data.logits(loaded.model),
      reference,
      beta: config.beta,
      lossType: config.loss_type,
      labelSmoothing: config.label_smoothing,
      rpoAlpha: config.rpo_alpha,
    }) as unknown as TrainingObjective<CausalLMBatch>,
    train: batches(train, collate, config.per_device_train_batch_size, config.seed, true),
    eval: evalSet ? batches(evalSet, collate, config.per_device_eval_batch_size, config.seed, false) : undefined,
  };
}

/** The reference pass with a progress line (pairs scored, of all). */
async function precomputeWithProgress(
  examples: PreferenceExample[],
  label: string,
  options: PrecomputeReferenceOptions<PreferenceExample, PreferenceBatch>,
): Promise<PreferenceExample[]> {
  const display = createProgressDisplay(label);
  try {
    return await precomputeReferenceLogps(examples, {
      ...options,
      onProgress: (done, total) => display.update({ phase: 'reference', done, total }),
    });
  } finally {
    display.stop();
  }
}
