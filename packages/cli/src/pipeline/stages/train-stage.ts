/**
 * The SFT and DPO stages of a run: the stage's training config (recipe < pipeline settings <
 * config section), the run's data (the dataset's files), evaluation each epoch on the validation
 * records (generated replies, scored by the dataset's scorer: `eval_step_accuracy` picks the best
 * checkpoint and can stop early), and resume
 * from the stage's last checkpoint when the run is continued.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Backend, listCheckpoints, readJsonFile, type TrainerEvent } from '@guinav/trainer-core';
import type { Responder } from '../../commands/train/model-data.js';
import { type TrainHooks, type TrainOutcome, trainModel } from '../../commands/train/session.js';
import { type PipelineConfig, stageTrainingConfig } from '../config.js';
import type { RunFolder } from '../run-folder.js';

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

export async function runSftStage(
  run: RunFolder,
  config: PipelineConfig,
  base: ModelRef,
  data: TrainingData,
  io: TrainIo,
): Promise<TrainedStage> {
  const outputDir = run.training('sft');
  const trainConfig = {
    ...stageTrainingConfig(config, 'sft', outputDir),
    resume_from_checkpoint: resumePoint(outputDir),
  };
  const validation = readJsonFile(data.validation) as unknown[];
  const outcome = await trainModel(
    'sft',
    trainConfig,
    {
      dataset: data.sft,
      // The validation steps' loss is logged beside their step accuracy.
      ...(validation.length > 0 ? { evalDataset: data.validation } : {}),
      model: base.model,
    },
    { label: 'sft', backend: io.backend, onEvent: io.onEvent, evalMetrics: data.evalMetrics },
    io.signal,
  );
  return outcomeOf(outcome, base, trainConfig.use_peft);
}

export async function runDpoStage(
  run: RunFolder,
  config: PipelineConfig,
  start: ModelRef,
  data: TrainingData,
  io: TrainIo,
): Promise<TrainedStage> {
  const outputDir = run.training('dpo');
  const trainConfig = {
    ...stageTrainingConfig(config, 'dpo', outputDir),
    resume_from_checkpoint: resumePoint(outputDir),
  };
  const outcome = await trainModel(
    'dpo',
    trainConfig,
    {
      dataset: data.dpoTrain,
      ...(fs.statSync(data.dpoEval).size > 0 ? { evalDataset: data.dpoEval } : {}),
      model: start.model,
      adapter: start.adapter,
    },
    { label: 'dpo', backend: io.backend, onEvent: io.onEvent, evalMetrics: data.evalMetrics },
    io.signal,
  );
  // With LoRA the new adapter sits on the merged SFT model (trainModel writes it to sft_merged).
  const base = start.adapter ? { model: path.join(outputDir, 'sft_merged') } : start;
  return outcomeOf(outcome, base, trainConfig.use_peft);
}
