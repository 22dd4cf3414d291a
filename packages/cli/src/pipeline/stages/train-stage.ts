/**
 * The SFT, DPO and RL (GRPO) stages of a run: the stage's training config (recipe < pipeline
 * settings < config section), the run's data (the dataset's files), for SFT and DPO evaluation
 * each epoch on the validation records (generated replies, scored by the dataset's scorer:
 * `eval_step_accuracy` picks the best checkpoint and can stop early), and resume from the stage's
 * last checkpoint when the run is continued.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Backend, listCheckpoints, readJsonFile, type TrainerEvent } from '@guinav/trainer-core';
import type { Responder } from '../../commands/train/model-data.js';
import { type TrainHooks, type TrainInputs, type TrainOutcome, trainModel } from '../../commands/train/session.js';
import type { RlStage } from '../../rl/grpo-parts.js';
import { type PipelineConfig, stageTrainingConfig } from '../config.js';
import type { RunFolder, TrainingStageName } from '../run-folder.js';

/** A model a stage produced or starts from: a full model folder, or an adapter on a base. */
export interface ModelRef {
  model: string;
  adapter?: string;
}

export interface TrainedStage extends ModelRef {
  steps: number;
  stoppedEarly: boolean;
  bestMetric: number | null;
  bestCheckpoint: string | null;
  /** DPO: rewards/accuracies on the held-out pairs at the best (else last) evaluation. */
  rewardAccuracy?: number;
  status: 'completed' | 'interrupted';
  /** Where an interrupted stage left its checkpoint. */
  checkpoint?: string;
}

interface TrainIo {
  backend: Backend;
  signal?: AbortSignal;
  onEvent?: (e: TrainerEvent) => void;
}

/** What a dataset gives the training stages: its files in the run and the metrics of each evaluation. */
export interface TrainingData {
  sft: string;
  dpoTrain: string;
  /** Held-out pairs (reward accuracy); may be empty. */
  dpoEval: string;
  /** Validation records in test format: their loss during SFT, and what `evalMetrics` scores. */
  validation: string;
  /** Metrics of generated replies at each evaluation (`step_accuracy`); undefined: loss only. */
  evalMetrics: TrainHooks['evalMetrics'];
}

/**
 * A dataset's training data: its files, and `step_accuracy` of replies to the validation records
 * (greedy, batched as the pipeline's evaluations are) at each evaluation; loss only without records.
 */
export function trainingData<R>(
  files: Omit<TrainingData, 'evalMetrics'>,
  records: readonly R[],
  config: PipelineConfig,
  accuracy: (records: readonly R[], respond: Responder) => Promise<number>,
): TrainingData {
  if (records.length === 0) return { ...files, evalMetrics: undefined };
  return {
    ...files,
    evalMetrics: ({ loaded, data }) => {
      const respond = data.responder(loaded.model, {
        maxBatch: config.eval.batch_size,
        generation: { maxNewTokens: config.eval.max_new_tokens, temperature: 0 },
      });
      return async () => ({ step_accuracy: await accuracy(records, respond) });
    },
  };
}

/** Continue from the stage's last checkpoint when one exists (a resumed run). */
function resumePoint(outputDir: string): string | null {
  return fs.existsSync(outputDir) && listCheckpoints(outputDir).length > 0 ? 'latest' : null;
}

function outcomeOf(outcome: TrainOutcome, ref: ModelRef, adapterTrained: boolean): TrainedStage {
  const { result } = outcome;
  const trained = adapterTrained ? { model: ref.model, adapter: result.dir } : { model: result.dir };
  const accuracyAtBest = (() => {
    const evals = result.logHistory.filter((r) => r['eval_rewards/accuracies'] !== undefined);
    const best = evals.find((r) => result.bestModelCheckpoint?.endsWith(`-${r.step}`)) ?? evals.at(-1);
    return best?.['eval_rewards/accuracies'];
  })();
  return {
    ...trained,
    steps: result.globalStep,
    stoppedEarly: result.stoppedEarly,
    bestMetric: result.bestMetric,
    bestCheckpoint: result.bestModelCheckpoint,
    ...(accuracyAtBest !== undefined ? { rewardAccuracy: accuracyAtBest } : {}),
    status: result.status,
    ...(result.status === 'interrupted' ? { checkpoint: result.dir } : {}),
  };
}

/** Which trainer each of the run's training stages runs. */
const TRAINERS = { sft: 'sft', dpo: 'dpo', rl: 'grpo' } as const;

/**
 * One training stage of the run, from `start`, resumed from the stage's last checkpoint when there
 * is one. After an adapter (a LoRA SFT) the stage trains on the adapter merged into its base,
 * which trainModel writes to `<stage>/sft_merged`; that is also the frozen reference.
 */
async function trainStage(
  run: RunFolder,
  config: PipelineConfig,
  stage: TrainingStageName,
  start: ModelRef,
  inputs: Omit<TrainInputs, 'model' | 'adapter'>,
  io: TrainIo,
  evalMetrics?: TrainHooks['evalMetrics'],
): Promise<{ trained: TrainedStage; outcome: TrainOutcome }> {
  const outputDir = run.training(stage);
  const trainConfig = {
    ...stageTrainingConfig(config, TRAINERS[stage], outputDir),
    resume_from_checkpoint: resumePoint(outputDir),
  };
  const outcome = await trainModel(
    TRAINERS[stage],
    trainConfig,
    { ...inputs, model: start.model, adapter: start.adapter },
    { label: stage, backend: io.backend, onEvent: io.onEvent, evalMetrics },
    io.signal,
  );
  const base = start.adapter ? { model: path.join(outputDir, 'sft_merged') } : start;
  return { trained: outcomeOf(outcome, base, trainConfig.use_peft), outcome };
}

export async function runSftStage(
  run: RunFolder,
  config: PipelineConfig,
  base: ModelRef,
  data: TrainingData,
  io: TrainIo,
): Promise<TrainedStage> {
  const validation = readJsonFile(data.validation) as unknown[];
  // The validation steps' loss is logged beside their step accuracy.
  const evalDataset = validation.length > 0 ? { evalDataset: data.validation } : {};
  const { trained } = await trainStage(
    run,
    config,
    'sft',
    { model: base.model },
    { dataset: data.sft, ...evalDataset },
    io,
    data.evalMetrics,
  );
  return trained;
}

export async function runDpoStage(
  run: RunFolder,
  config: PipelineConfig,
  start: ModelRef,
  data: TrainingData,
  io: TrainIo,
): Promise<TrainedStage> {
  const evalDataset = fs.statSync(data.dpoEval).size > 0 ? { evalDataset: data.dpoEval } : {};
  const { trained } = await trainStage(
    run,
    config,
    'dpo',
    start,
    { dataset: data.dpoTrain, ...evalDataset },
    io,
    data.evalMetrics,
  );
  return trained;
}

/** What a dataset gives the RL stage: the records of each RL kind and the world they come from. */
export interface RlData {
  records: Record<RlStage, string>;
  uiStructure: string;
  imagesDir: string;
}

export interface RlStageResult extends TrainedStage {
  /** GRPO single-turn (st_rl.json) or multi-turn (mt_rl.json). */
  kind: RlStage;
  /** The stage whose model RL started from (and kept as its frozen reference). */
  from: 'sft' | 'dpo';
  /** Mean training reward (sampled rollouts) over the first and the last quarter of the logged steps. */
  reward: { first: number; last: number } | null;
  /** Median seconds of a step (sampling, rewards, policy and reference passes, update), the first left out; null: under 2 steps. */
  secondsPerStep: number | null;
  /** Completions (st) or episodes (mt) sampled per second at that step time. */
  rolloutsPerSecond: number | null;
}

/** Times the steps of a Trainer run from its events: the median gap between steps, the first step (warm-up) left out. */
function stepTimer() {
  const at: number[] = [];
  return {
    onEvent: (e: TrainerEvent) => {
      if (e.type === 'start' || e.type === 'step') at.push(performance.now());
    },
    medianSeconds: (): number | null => {
      const gaps = at
        .slice(1)
        .map((t, i) => (t - at[i]!) / 1000)
        .slice(1)
        .sort((a, b) => a - b);
      if (gaps.length === 0) return null;
      const mid = Math.floor(gaps.length / 2);
      return gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
    },
  };
}

/** Mean `reward` of the first and the last quarter of the log's records that have one. */
export function rewardTrend(log: readonly Record<string, number>[]): RlStageResult['reward'] {
  const rewards = log.map((r) => r.reward).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (rewards.length === 0) return null;
  const quarter = Math.max(1, Math.floor(rewards.length / 4));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { first: mean(rewards.slice(0, quarter)), last: mean(rewards.slice(-quarter)) };
}

/** GRPO (the run's `rl` kind) from `start`, the SFT or DPO model, on the run's RL records and world. */
export async function runRlStage(
  run: RunFolder,
  config: PipelineConfig,
  start: ModelRef & { from: 'sft' | 'dpo' },
  data: RlData,
  io: TrainIo,
): Promise<RlStageResult> {
  const kind = config.rl;
  if (kind === null) throw new Error(`${run.dir}: the run has no RL stage (rl is null)`);
  const timer = stepTimer();
  const { trained, outcome } = await trainStage(
    run,
    config,
    'rl',
    { model: start.model, ...(start.adapter ? { adapter: start.adapter } : {}) },
    { dataset: data.records[kind], stage: kind, uiStructure: data.uiStructure, imagesDir: data.imagesDir },
    {
      ...io,
      onEvent: (e) => {
        timer.onEvent(e);
        io.onEvent?.(e);
      },
    },
  );
  const grpo = stageTrainingConfig(config, 'grpo', run.training('rl'));
  const secondsPerStep = timer.medianSeconds();
  const rolloutsPerStep = grpo.per_device_train_batch_size * grpo.gradient_accumulation_steps;
  return {
    ...trained,
    kind,
    from: start.from,
    reward: rewardTrend(outcome.result.logHistory),
    secondsPerStep,
    rolloutsPerSecond: secondsPerStep ? rolloutsPerStep / secondsPerStep : null,
  };
}
