/**
 * A pipeline run's folder, `runs/<timestamp>/`: where each stage writes, and the state file that
 * records which stages finished (so `--resume` continues from the last one and `--dpo-only` finds
 * the SFT checkpoint). The state is rewritten atomically after every stage: a run killed at any
 * point reads back as the stages that had finished.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseTrainingConfig, readJsonFile, writeTextFileAtomic } from '@guinav/trainer-core';
import { type PipelineConfig, PipelineConfigSchema } from './config.js';

export const RUNS_DIR = 'runs';

export const RUN_FILES = {
  manifest: 'manifest.json',
  state: 'pipeline-state.json',
  summary: 'summary.json',
  reportMarkdown: 'report.md',
  reportHtml: 'report.html',
} as const;

const TRAINING = ['data', 'eval-base', 'sft', 'eval-sft', 'dpo', 'eval-dpo'] as const;
/** The stages of a GE-Lab run in the order they run (`rl` and `eval-rl` with --rl only). */
export const STAGE_NAMES = ['world', ...TRAINING, 'rl', 'eval-rl', 'report'] as const;
/** A GUI-Odyssey run's: the episodes stand where the world does; no RL stage. */
export const ODYSSEY_STAGE_NAMES = ['episodes', ...TRAINING, 'report'] as const;
export type StageName = (typeof STAGE_NAMES)[number] | (typeof ODYSSEY_STAGE_NAMES)[number];
/** The training stages, each with its folder in the run (`rl`: GRPO). */
export type TrainingStageName = 'sft' | 'dpo' | 'rl';

export interface FinishedStage {
  finishedAt: string;
  seconds: number;
  /** What later stages and the report read (a model folder, a summary). */
  result?: unknown;
}

export interface PipelineState {
  version: 1;
  config: PipelineConfig;
  stages: Partial<Record<StageName, FinishedStage>>;
}

/** `2026-11-30_10-52-34`: sorts by time, safe in every file system. */
export function runTimestamp(date: Date): string {
  return date.toISOString().replace('T', '_').replace(/:/g, '-').slice(0, 19);
}

export class RunFolder {
  constructor(readonly dir: string) {}

  get world(): string {
    return path.join(this.dir, 'world');
  }
  /** The GE-Lab world's page tree. */
  get uiStructure(): string {
    return path.join(this.world, 'ui_structure.json');
  }
  get images(): string {
    return path.join(this.world, 'images');
  }
  /** GUI-Odyssey: the synthetic episodes generated for the run (a dataset root as released). */
  get episodes(): string {
    return path.join(this.dir, 'episodes');
  }
  get data(): string {
    return path.join(this.dir, 'data');
  }
  get baseModel(): string {
    return path.join(this.dir, 'base_model');
  }
  /** A training stage's output_dir (checkpoints, final_model, metrics.jsonl, TensorBoard runs/). */
  training(stage: TrainingStageName): string {
    return path.join(this.dir, stage);
  }
  /** An evaluation's files (predictions, episodes, metrics). */
  evaluation(stage: string): string {
    return path.join(this.dir, 'eval', stage);
  }
  file(name: keyof typeof RUN_FILES): string {
    return path.join(this.dir, RUN_FILES[name]);
  }

  readState(): PipelineState | null {
    const file = this.file('state');
    if (!fs.existsSync(file)) return null;
    const state = readJsonFile(file) as PipelineState;
    if (state.version !== 1 || typeof state.stages !== 'object')
      throw new Error(`${file}: not a pipeline state this version of guinav writes (version ${state.version})`);
    // A run started before a config key existed reads back with that key's default (e.g. rl: null).
    return { ...state, config: parseTrainingConfig(PipelineConfigSchema, state.config, `${file} (its "config")`) };
  }

  async writeState(state: PipelineState): Promise<void> {
    await writeTextFileAtomic(this.file('state'), `${JSON.stringify(state, null, 2)}\n`);
  }
}

/** The newest run under `runsDir` (by its timestamped name) that has a state file, or null. */
export function newestRun(runsDir = RUNS_DIR): string | null {
  if (!fs.existsSync(runsDir)) return null;
  const runs = fs
    .readdirSync(runsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(runsDir, e.name, RUN_FILES.state)))
    .map((e) => e.name)
    .sort();
  const last = runs.at(-1);
  return last === undefined ? null : path.join(runsDir, last);
}
