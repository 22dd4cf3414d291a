/**
 * One training run from the CLI: the config (defaults < --config file < flags), the backend, the
 * model (a Hugging Face folder), LoRA when asked, the data tokenized through the model's chat
 * template, the objective (SFT, DPO or GRPO) and the shared Trainer, with Ctrl-C / SIGTERM saving
 * a checkpoint before exiting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkOutputApart } from '@guinav/data-gen';
import { collatePreference, DpoObjective, type PreferenceBatch, type PreferenceExample } from '@guinav/dpo';
import {
  adapterTarget,
  applyLora,
  type BatchSource,
  causalLMLogits,
  collateCausalLM,
  createTinyVlm,
  type DpoConfig,
  DpoConfigSchema,
  ExampleBatches,
  type GrpoConfig,
  GrpoConfigSchema,
  initBackend,
  type LoadedModel,
  loadAdapter,
  loadModel,
  mergeLora,
  moduleTarget,
  parseTrainingConfig,
  readConfigFile,
  readPreferencePairs,
  readPromptCompletions,
  type SftConfig,
  SftConfigSchema,
  SftObjective,
  saveModel,
  saveTokenizer,
  type TokenizedExample,
  type Tokenizer,
  Trainer,
  type TrainerEvent,
  type TrainingObjective,
  type TrainingTarget,
  type TrainResult,
  tokenizePreference,
  tokenizePromptCompletion,
} from '@guinav/trainer-core';
import { InterruptedError, interruptible } from '../../interrupt.js';
import { createProgressDisplay } from '../../progress.js';
import { grpoParts, parseRlStage } from '../../rl/grpo-parts.js';
import { configFromFlags } from './config-flags.js';
import { referenceLogits } from './reference.js';

export type TrainStage = 'sft' | 'dpo' | 'grpo';

export interface TrainCommandOptions {
  dataset: string;
  evalDataset?: string;
  config?: string;
  model?: string;
  /** DPO, GRPO: the SFT adapter the stage starts from (merged into the base; a fresh adapter trains on top). */
  adapter?: string;
  /** GRPO: st (st_rl.json) or mt (mt_rl.json). */
  stage?: string;
  /** GRPO: the world (multi-turn rollouts, the a2b rewards) and its screenshots. */
  uiStructure?: string;
  imagesDir?: string;
  /** Also told every trainer event (a pipeline's own progress, a benchmark's clock). */
  onEvent?: (event: TrainerEvent) => void;
  [flag: string]: unknown;
}

const SCHEMAS = { sft: SftConfigSchema, dpo: DpoConfigSchema, grpo: GrpoConfigSchema } as const;

/** The stage's config: defaults, then the --config file, then the flags. */
export function resolveTrainConfig(stage: 'sft', opts: TrainCommandOptions): SftConfig;
export function resolveTrainConfig(stage: 'dpo', opts: TrainCommandOptions): DpoConfig;
export function resolveTrainConfig(stage: 'grpo', opts: TrainCommandOptions): GrpoConfig;
export function resolveTrainConfig(stage: TrainStage, opts: TrainCommandOptions): SftConfig | DpoConfig | GrpoConfig;
export function resolveTrainConfig(stage: TrainStage, opts: TrainCommandOptions): SftConfig | DpoConfig | GrpoConfig {
  const file = opts.config ? readConfigFile(opts.config) : {};
  const merged = { output_dir: path.join('runs', `train-${stage}`), ...file, ...configFromFlags(opts) };
  const source = opts.config ? `${opts.config} (with the command-line flags)` : 'the command-line flags';
  return parseTrainingConfig(SCHEMAS[stage], merged, source);
}

/** Without --model, GRPO starts from the built-in tiny VLM, created once in the output folder. */
async function builtInModel(outputDir: string, seed: number): Promise<string> {
  const dir = path.join(outputDir, 'tiny-vlm');
  if (fs.existsSync(path.join(dir, 'config.json'))) return dir;
  const { model } = await createTinyVlm({ dir, seed });
  model.dispose();
  process.stderr.write(`no --model: created the built-in tiny VLM (seed ${seed}) in ${dir}\n`);
  return dir;
}

function requireTokenizer(loaded: LoadedModel): Tokenizer {
  if (!loaded.tokenizer)
    throw new Error(`--model ${loaded.dir}: the folder has no tokenizer.json; training needs its tokenizer`);
  return loaded.tokenizer;
}

function refuseImages(records: readonly { images: readonly string[]; where: string }[], model: string): void {
  const withImages = records.find((r) => r.images.length > 0);
  if (withImages) {
    throw new Error(
      `${withImages.where}: the record has images, but --model ${model} is a text model; ` +
        'train a vision-language model on image records, or give it text observations',
    );
  }
}

/** A model folder's files that are neither weights nor tokenizer (a VLM's processor configs), carried into what training writes. */
const SIDE_FILES = ['generation_config.json', 'preprocessor_config.json', 'processor_config.json'];

function copySideFiles(from: string, to: string): void {
  for (const name of SIDE_FILES) {
    const file = path.join(from, name);
    if (fs.existsSync(file) && !fs.existsSync(path.join(to, name))) fs.copyFileSync(file, path.join(to, name));
  }
}

/** What training writes: the adapter (LoRA) or the whole model, with its tokenizer and side files. */
function makeTarget(loaded: LoadedModel, tokenizer: Tokenizer, lora: boolean, baseName: string): TrainingTarget {
  const model = loaded.model;
  if (lora) {
    return adapterTarget(model, {
      baseModelNameOrPath: baseName,
      writeFiles: async (dir) => {
        await saveTokenizer(dir, tokenizer);
        copySideFiles(loaded.dir, dir);
      },
    });
  }
  return {
    ...moduleTarget(model),
    save: async (dir) => {
      await saveModel(dir, model, { tokenizer });
      copySideFiles(loaded.dir, dir);
    },
  };
}

function progressListener(stage: TrainStage): { onEvent: (e: TrainerEvent) => void; stop: () => void } {
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
      if (e.type === 'checkpoint') process.stderr.write(`\nsaved ${e.dir}\n`);
    },
    stop: () => display.stop(),
  };
}

export interface TrainOutcome {
  result: TrainResult;
  outputDir: string;
}

export async function runTrain(stage: TrainStage, opts: TrainCommandOptions): Promise<TrainOutcome> {
  const config = resolveTrainConfig(stage, opts);
  const rlStage = stage === 'grpo' ? parseRlStage(opts.stage) : undefined;
  if (!opts.model && stage !== 'grpo') {
    throw new Error('--model: give a Hugging Face model folder (the built-in tiny VLM arrives with the models work)');
  }
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
  const { backend } = await initBackend(config.device);
  const modelDir = opts.model ?? (await builtInModel(config.output_dir, config.seed));
  const loaded = await loadModel(modelDir, { backend, label: '--model' });
  const tokenizer = requireTokenizer(loaded);
  const padId =
    tokenizer.specialTokens.pad?.id ?? loaded.generation.padTokenId ?? loaded.generation.eosTokenIds[0] ?? 0;
  let baseName = path.resolve(modelDir);
  if (stage !== 'sft' && opts.adapter) {
    // The SFT adapter becomes part of the base; the reference of DPO and GRPO is that merged SFT model.
    loadAdapter(opts.adapter, loaded.model);
    mergeLora(loaded.model);
    baseName = path.resolve(config.output_dir, 'sft_merged');
    await saveModel(baseName, loaded.model, { tokenizer });
    copySideFiles(loaded.dir, baseName);
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
  const target = makeTarget(loaded, tokenizer, config.use_peft, baseName);
  const build: { objective: unknown; train: unknown; eval?: unknown } =
    stage === 'sft'
      ? sftParts(config as SftConfig, opts, loaded, tokenizer, padId)
      : stage === 'dpo'
        ? await dpoParts(config as DpoConfig, opts, loaded, tokenizer, padId, baseName)
        : await grpoParts(
            config as GrpoConfig,
            { dataset: opts.dataset, stage: rlStage!, uiStructure: opts.uiStructure, imagesDir: opts.imagesDir },
            loaded,
            tokenizer,
            baseName,
          );
  const progress = progressListener(stage);
  try {
    const result = await interruptible(async (signal) => {
      const trainer = new Trainer<unknown, unknown>({
        config,
        target,
        objective: build.objective as TrainingObjective<unknown, unknown>,
        train: build.train as BatchSource<unknown>,
        eval: build.eval as BatchSource<unknown> | undefined,
        signal,
        onEvent: (e) => {
          progress.onEvent(e);
          opts.onEvent?.(e);
        },
      });
      return trainer.run();
    });
    if (result.status === 'interrupted') {
      process.stderr.write(
        `\nstopped at step ${result.globalStep}; resume with --resume-from-checkpoint ${result.dir}\n`,
      );
      throw new InterruptedError();
    }
    return { result, outputDir: config.output_dir };
  } finally {
    progress.stop();
  }
}

function sftParts(
  config: SftConfig,
  opts: TrainCommandOptions,
  loaded: LoadedModel,
  tokenizer: Tokenizer,
  padId: number,
) {
  const tokenize = (file: string) => {
    const records = readPromptCompletions(file);
    refuseImages(records, loaded.dir);
    return records.map((r) => tokenizePromptCompletion(tokenizer, r));
  };
  const collate = (es: TokenizedExample[]) => collateCausalLM(es, { padId, maxLength: config.max_length });
  const batches = (examples: TokenizedExample[], batchSize: number, shuffle: boolean) =>
    new ExampleBatches(examples, collate, {
      batchSize,
      seed: config.seed,
      shuffle,
      lengthOf: config.group_by_length ? (e: TokenizedExample) => e.inputIds.length : undefined,
    });
  return {
    objective: new SftObjective(causalLMLogits(loaded.model)),
    train: batches(tokenize(opts.dataset), config.per_device_train_batch_size, true),
    eval: opts.evalDataset ? batches(tokenize(opts.evalDataset), config.per_device_eval_batch_size, false) : undefined,
  };
}

async function dpoParts(
  config: DpoConfig,
  opts: TrainCommandOptions,
  loaded: LoadedModel,
  tokenizer: Tokenizer,
  padId: number,
  /** The folder of the model DPO starts from (the merged SFT model when an adapter was given). */
  startFolder: string,
) {
  const policy = causalLMLogits(loaded.model);
  const reference = await referenceLogits<typeof loaded.model, PreferenceBatch>(
    config.use_peft,
    loaded,
    startFolder,
    causalLMLogits,
  );
  const tokenize = (file: string): PreferenceExample[] => {
    const pairs = readPreferencePairs(file);
    refuseImages(pairs, loaded.dir);
    return pairs.map((p) => tokenizePreference(tokenizer, p));
  };
  const collate = (es: PreferenceExample[]) =>
    collatePreference(es, {
      padId,
      maxPromptLength: config.max_prompt_length,
      maxCompletionLength: config.max_completion_length,
      maxLength: config.max_length,
    });
  const batches = (examples: PreferenceExample[], batchSize: number, shuffle: boolean) =>
    new ExampleBatches(examples, collate, { batchSize, seed: config.seed, shuffle });
  return {
    objective: new DpoObjective({
      policy,
      reference,
      beta: config.beta,
      lossType: config.loss_type,
      labelSmoothing: config.label_smoothing,
    }),
    train: batches(tokenize(opts.dataset), config.per_device_train_batch_size, true),
    eval: opts.evalDataset ? batches(tokenize(opts.evalDataset), config.per_device_eval_batch_size, false) : undefined,
  };
}
