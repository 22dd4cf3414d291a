/**
 * One training run from the CLI: the config (defaults < --config file < flags), the backend, the
 * model (a Hugging Face folder), LoRA when asked, the data tokenized through the model's chat
 * template, the objective (SFT or DPO) and the shared Trainer, with Ctrl-C / SIGTERM saving a
 * checkpoint before exiting.
 */
import path from 'node:path';
import { checkOutputApart } from '@guinav/data-gen';
import { collatePreference, DpoObjective, type PreferenceBatch, type PreferenceExample } from '@guinav/dpo';
import {
  adapterTarget,
  applyLora,
  type CausalLMBatch,
  causalLMLogits,
  collateCausalLM,
  type DpoConfig,
  DpoConfigSchema,
  ExampleBatches,
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
  withLoraDisabled,
} from '@guinav/trainer-core';
import { InterruptedError, interruptible } from '../../interrupt.js';
import { createProgressDisplay } from '../../progress.js';
import { configFromFlags } from './config-flags.js';

export type TrainStage = 'sft' | 'dpo';

export interface TrainCommandOptions {
  dataset: string;
  evalDataset?: string;
  config?: string;
  model?: string;
  /** DPO: the SFT adapter DPO starts from (merged into the base; a fresh adapter trains on top). */
  adapter?: string;
  [flag: string]: unknown;
}

/** The stage's config: defaults, then the --config file, then the flags. */
export function resolveTrainConfig(stage: 'sft', opts: TrainCommandOptions): SftConfig;
export function resolveTrainConfig(stage: 'dpo', opts: TrainCommandOptions): DpoConfig;
export function resolveTrainConfig(stage: TrainStage, opts: TrainCommandOptions): SftConfig | DpoConfig {
  const file = opts.config ? readConfigFile(opts.config) : {};
  const merged = { output_dir: path.join('runs', `train-${stage}`), ...file, ...configFromFlags(opts) };
  const source = opts.config ? `${opts.config} (with the command-line flags)` : 'the command-line flags';
  return stage === 'sft'
    ? parseTrainingConfig(SftConfigSchema, merged, source)
    : parseTrainingConfig(DpoConfigSchema, merged, source);
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

/** What training writes: the adapter (LoRA) or the whole model, with its tokenizer. */
function makeTarget(loaded: LoadedModel, tokenizer: Tokenizer, lora: boolean, baseName: string): TrainingTarget {
  const model = loaded.model;
  if (lora) {
    return adapterTarget(model, {
      baseModelNameOrPath: baseName,
      writeFiles: async (dir) => {
        await saveTokenizer(dir, tokenizer);
      },
    });
  }
  return { ...moduleTarget(model), save: async (dir) => void (await saveModel(dir, model, { tokenizer })) };
}

function progressListener(stage: TrainStage): { onEvent: (e: TrainerEvent) => void; stop: () => void } {
  const display = createProgressDisplay(stage);
  let last: Record<string, string> = {};
  return {
    onEvent: (e) => {
      if (e.type === 'log') {
        const r = e.record;
        last = Object.fromEntries(
          Object.entries({ loss: r.loss ?? r.eval_loss, lr: r.learning_rate })
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
  const config = stage === 'sft' ? resolveTrainConfig('sft', opts) : resolveTrainConfig('dpo', opts);
  if (!opts.model) {
    throw new Error('--model: give a Hugging Face model folder (the built-in tiny VLM arrives with the models work)');
  }
  await checkOutputApart(
    { label: 'output_dir', path: config.output_dir, files: [config.output_dir] },
    [
      { label: '--dataset', path: opts.dataset },
      { label: '--eval-dataset', path: opts.evalDataset ?? '' },
      { label: '--model', path: opts.model },
      { label: '--adapter', path: opts.adapter ?? '' },
    ].filter((p) => p.path !== ''),
  );
  const { backend } = await initBackend(config.device);
  const loaded = await loadModel(opts.model, { backend, label: '--model' });
  const tokenizer = requireTokenizer(loaded);
  const padId =
    tokenizer.specialTokens.pad?.id ?? loaded.generation.padTokenId ?? loaded.generation.eosTokenIds[0] ?? 0;
  let baseName = path.resolve(opts.model);
  if (stage === 'dpo' && opts.adapter) {
    // The SFT adapter becomes part of the base; DPO's reference is that merged SFT model.
    loadAdapter(opts.adapter, loaded.model);
    mergeLora(loaded.model);
    baseName = path.resolve(config.output_dir, 'sft_merged');
    await saveModel(baseName, loaded.model, { tokenizer });
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
  const build =
    stage === 'sft'
      ? sftParts(config as SftConfig, opts, loaded, tokenizer, padId)
      : await dpoParts(config as DpoConfig, opts, loaded, tokenizer, padId, baseName);
  const progress = progressListener(stage);
  try {
    const result = await interruptible(async (signal) => {
      const trainer = new Trainer<CausalLMBatch>({
        config,
        target,
        objective: build.objective as TrainingObjective<CausalLMBatch>,
        train: build.train as ExampleBatches<unknown, CausalLMBatch>,
        eval: build.eval as ExampleBatches<unknown, CausalLMBatch> | undefined,
        signal,
        onEvent: progress.onEvent,
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
  let reference: ((b: PreferenceBatch) => ReturnType<typeof policy>) | undefined;
  if (config.use_peft) {
    // With an adapter, the model without it is the reference (the merged SFT model, or the base).
    reference = (b) => withLoraDisabled(loaded.model, () => policy(b));
  } else {
    // Full fine-tuning: a frozen copy of the model DPO starts from.
    const frozen = await loadModel(startFolder, { backend: loaded.model.parameters()[0]?.backend, tokenizer: false });
    frozen.model.freeze();
    reference = causalLMLogits(frozen.model);
  }
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
