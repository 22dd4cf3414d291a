/**
 * What a dataset brings to the pipeline: the runners of the stages that differ (where the data
 * comes from, the data, the evaluation of a model), the files training reads with its validation
 * metric (and RL's records, for a dataset that has them), the results table, the report's context lines and replays, and what the manifest
 * records about the source. The stage list itself is the same for every dataset (pipeline.ts).
 */
import type { OnProgress } from '@guinav/data-gen';
import type { Backend, DeviceChoice } from '@guinav/trainer-core';
import type { PipelineConfig } from '../config.js';
import type { StageTable } from '../report/stage-table.js';
import type { ReplayEntry } from '../report/write-report.js';
import type { PipelineState, RunFolder } from '../run-folder.js';
import type { StageModel } from '../stages/stage-model.js';
import type { RlData, TrainingData } from '../stages/train-stage.js';

export interface StageContext {
  run: RunFolder;
  config: PipelineConfig;
  state: PipelineState;
  backend: Backend;
  device: DeviceChoice;
  signal?: AbortSignal;
  startedAt: Date;
}

export interface StageIo {
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** What every dataset's stage summary has (the DPO stage adds its reward accuracy, RL its training reward). */
export interface BaseStageSummary {
  seconds: number;
  rewardAccuracy?: number;
  /** RL: mean GRPO reward of the sampled rollouts over the first and the last quarter of its logged steps. */
  rlReward?: { first: number; last: number };
}

export interface DatasetFlow<S extends BaseStageSummary = BaseStageSummary> {
  /** Checks what the config points at (a given dataset), before the run folder is made. */
  preflight(config: PipelineConfig): Promise<void>;
  /** The first stage: the world (GE-Lab) or the episodes (GUI-Odyssey); returns its console note. */
  source: { name: 'world' | 'episodes'; run(ctx: StageContext, io: StageIo): Promise<string> };
  data(ctx: StageContext, io: StageIo): Promise<string>;
  training(run: RunFolder, config: PipelineConfig): TrainingData;
  /** The RL stage's records and world; absent: the dataset has no RL stage (config `rl` is refused). */
  rl?(run: RunFolder): RlData;
  /** The file of records each evaluation replies to (the time estimate scales by their count). */
  evaluatedRecords(run: RunFolder): string;
  evaluate(ctx: StageContext, stage: string, model: StageModel, io: StageIo): Promise<S>;
  /** The console line of an evaluation. */
  note(summary: S): string;
  table: StageTable<S>;
  /** The report's context lines about the data. */
  facts(ctx: StageContext): string[];
  /** Episode replays of the report; null: the dataset has none (no interactive part). */
  replays(run: RunFolder, stages: readonly string[], count: number): Promise<ReplayEntry[] | null>;
  /** What manifest.json records about the data's source, beside the config. */
  manifest(config: PipelineConfig): Record<string, unknown>;
}

export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(100 * v).toFixed(1)}%`);
