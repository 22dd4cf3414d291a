/**
 * How long the rest of a run will take, said before the long work starts: a training step of each
 * stage (SFT, DPO, GRPO) is timed on this machine (a 3-step probe of the real stage on the real
 * data, in a throwaway folder), scaled by the stages' step counts; the evaluations are scaled from the base
 * model's, which has just run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Backend, readJsonFile } from '@guinav/trainer-core';
import { type TrainInputs, trainModel } from '../commands/train/session.js';
import { type PipelineConfig, stageTrainingConfig, type TrainingSection } from './config.js';
import type { TrainingData } from './stages/train-stage.js';

interface StageTime {
  steps: number;
  seconds: number;
}

export interface PipelineEstimate {
  sft: StageTime;
  dpo: StageTime;
  /** GRPO: from a probe of the start model when it is trained already, else of the base model (an upper bound: an untrained model samples to the length limit). */
  rl: StageTime;
  evaluation: { seconds: number };
  total: number;
}

/** Seconds of one optimizer step of `stage`: the third of three (the first two warm caches up). */
async function probeStep(
  stage: TrainingSection,
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

/** Optimizer steps a stage will take (as the Trainer counts them; a GRPO batch holds batch / G prompts). */
function plannedSteps(config: PipelineConfig, stage: TrainingSection, records: number): number {
  const c = stageTrainingConfig(config, stage, '.');
  if (c.max_steps > 0) return c.max_steps;
  const perBatch =
    'num_generations' in c ? c.per_device_train_batch_size / c.num_generations : c.per_device_train_batch_size;
  const perEpoch = Math.max(1, Math.ceil(Math.ceil(records / perBatch) / c.gradient_accumulation_steps));
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
  /** rl: what the GRPO probe trains on (its records, kind, world and start model); undefined: no RL ahead. */
  stages: { sft: boolean; dpo: boolean; rl?: TrainInputs },
): Promise<PipelineEstimate> {
  const sftRecords = countRecords(files.sft);
  const dpoFile = files.dpoTrain;
  const dpoRecords = countRecords(dpoFile);
  const sftSteps = stages.sft ? plannedSteps(config, 'sft', sftRecords) : 0;
  const dpoSteps = stages.dpo ? plannedSteps(config, 'dpo', dpoRecords) : 0;
  const sftStep = sftSteps ? await probeStep('sft', config, { ...base, dataset: files.sft }, backend) : 0;
  const dpoStep = dpoSteps ? await probeStep('dpo', config, { ...base, dataset: dpoFile }, backend) : 0;
  const rlSteps = stages.rl ? plannedSteps(config, 'grpo', countRecords(stages.rl.dataset)) : 0;
  const rlStep = stages.rl && rlSteps ? await probeStep('grpo', config, stages.rl, backend) : 0;
  // Each later evaluation is about the base one; validation during training adds its share per epoch.
  const idRecords = countRecords(files.evaluated);
  const validation = countRecords(files.validation);
  const perRecord = baseEvaluationSeconds / Math.max(1, idRecords);
  const epochs = (stage: 'sft' | 'dpo') => Math.ceil(stageTrainingConfig(config, stage, '.').num_train_epochs);
  const evaluations =
    (Number(stages.sft) + Number(stages.dpo) + Number(Boolean(stages.rl))) * baseEvaluationSeconds +
    validation * perRecord * ((stages.sft ? epochs('sft') : 0) + (stages.dpo ? epochs('dpo') : 0));
  const sft = { steps: sftSteps, seconds: sftSteps * sftStep };
  const dpo = { steps: dpoSteps, seconds: dpoSteps * dpoStep };
  const rl = { steps: rlSteps, seconds: rlSteps * rlStep };
  const total = sft.seconds + dpo.seconds + rl.seconds + evaluations;
  return { sft, dpo, rl, evaluation: { seconds: evaluations }, total };
}

const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

export function formatEstimate(e: PipelineEstimate): string {
  const parts = [
    e.sft.steps ? `SFT ${minutes(e.sft.seconds)} for ${e.sft.steps} steps` : '',
    e.dpo.steps ? `DPO ${minutes(e.dpo.seconds)} for ${e.dpo.steps} steps` : '',
    e.rl.steps ? `RL ${minutes(e.rl.seconds)} for ${e.rl.steps} steps` : '',
    `evaluations ${minutes(e.evaluation.seconds)}`,
  ].filter(Boolean);
  return `estimate: about ${minutes(e.total)} more (${parts.join(', ')}), from a timed training step of each stage`;
}
