/**
 * How long the rest of a run will take, said before the long work starts: a training step of each
 * stage is timed on this machine (a 3-step probe of the real stage on the real data, in a
 * throwaway folder), scaled by the stages' step counts; the evaluations are scaled from the base
 * model's, which has just run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Backend, readJsonFile } from '@guinav/trainer-core';
import { type TrainInputs, trainModel } from '../commands/train/session.js';
import { type PipelineConfig, stageTrainingConfig } from './config.js';
import type { TrainingData } from './stages/train-stage.js';

export interface PipelineEstimate {
  sft: { steps: number; seconds: number };
  dpo: { steps: number; seconds: number };
  evaluation: { seconds: number };
  total: number;
}

/** Seconds of one optimizer step of `stage`: the third of three (the first two warm caches up). */
async function probeStep(
  stage: 'sft' | 'dpo',
  config: PipelineConfig,
  inputs: TrainInputs,
  backend: Backend,
): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `guinav-probe-${stage}-`));
  try {
    const probe = {
      ...stageTrainingConfig(config, stage, dir),
      max_steps: 3,
      eval_strategy: 'no',
      save_strategy: 'no',
      load_best_model_at_end: false,
      early_stopping_patience: null,
    } as const;
    const at: number[] = [];
    await trainModel(stage, probe, inputs, {
      backend,
      label: `estimate ${stage}`,
      onEvent: (e) => {
        if (e.type === 'step') at.push(performance.now());
      },
    });
    return ((at[2] ?? 0) - (at[1] ?? 0)) / 1000;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function countRecords(file: string): number {
  if (file.endsWith('.jsonl'))
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim()).length;
  return (readJsonFile(file) as unknown[]).length;
}

/** Optimizer steps a stage will take (as the Trainer counts them). */
function plannedSteps(config: PipelineConfig, stage: 'sft' | 'dpo', records: number): number {
  const c = stageTrainingConfig(config, stage, '.');
  if (c.max_steps > 0) return c.max_steps;
  const perEpoch = Math.max(
    1,
    Math.ceil(Math.ceil(records / c.per_device_train_batch_size) / c.gradient_accumulation_steps),
  );
  return Math.ceil(c.num_train_epochs * perEpoch);
}

/** The run's files the estimate reads: the training sets and validation, and the records each evaluation replies to. */
export type EstimateFiles = Pick<TrainingData, 'sft' | 'dpoTrain' | 'validation'> & { evaluated: string };

export async function estimateRemaining(
  config: PipelineConfig,
  files: EstimateFiles,
  base: Omit<TrainInputs, 'dataset'>,
  backend: Backend,
  baseEvaluationSeconds: number,
  stages: { sft: boolean; dpo: boolean },
): Promise<PipelineEstimate> {
  const sftRecords = countRecords(files.sft);
  const dpoFile = files.dpoTrain;
  const dpoRecords = countRecords(dpoFile);
  const sftSteps = stages.sft ? plannedSteps(config, 'sft', sftRecords) : 0;
  const dpoSteps = stages.dpo ? plannedSteps(config, 'dpo', dpoRecords) : 0;
  const sftStep = sftSteps ? await probeStep('sft', config, { ...base, dataset: files.sft }, backend) : 0;
  const dpoStep = dpoSteps ? await probeStep('dpo', config, { ...base, dataset: dpoFile }, backend) : 0;
  // Each later evaluation is about the base one; validation during training adds its share per epoch.
  const idRecords = countRecords(files.evaluated);
  const validation = countRecords(files.validation);
  const perRecord = baseEvaluationSeconds / Math.max(1, idRecords);
  const epochs = (stage: 'sft' | 'dpo') => Math.ceil(stageTrainingConfig(config, stage, '.').num_train_epochs);
  const evaluations =
    (Number(stages.sft) + Number(stages.dpo)) * baseEvaluationSeconds +
    validation * perRecord * ((stages.sft ? epochs('sft') : 0) + (stages.dpo ? epochs('dpo') : 0));
  const sft = { steps: sftSteps, seconds: sftSteps * sftStep };
  const dpo = { steps: dpoSteps, seconds: dpoSteps * dpoStep };
  return { sft, dpo, evaluation: { seconds: evaluations }, total: sft.seconds + dpo.seconds + evaluations };
}

const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

export function formatEstimate(e: PipelineEstimate): string {
  const parts = [
    e.sft.steps ? `SFT ${minutes(e.sft.seconds)} for ${e.sft.steps} steps` : '',
    e.dpo.steps ? `DPO ${minutes(e.dpo.seconds)} for ${e.dpo.steps} steps` : '',
    `evaluations ${minutes(e.evaluation.seconds)}`,
  ].filter(Boolean);
  return `estimate: about ${minutes(e.total)} more (${parts.join(', ')}), from a timed training step of each stage`;
}
