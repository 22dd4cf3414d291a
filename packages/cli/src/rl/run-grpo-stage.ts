/**
 * The GRPO stage as a function, for the pipeline: the same run as `guinav train grpo` (logs,
 * checkpoints, resume, Ctrl-C), with the config given as GRPO keys instead of flags.
 */
import type { GrpoConfigInput, TrainerEvent } from '@guinav/trainer-core';
import { runTrain, type TrainOutcome } from '../commands/train/session.js';
import type { RlStage } from './grpo-parts.js';

export interface GrpoStageOptions {
  /** st_rl.json (stage st) or mt_rl.json (stage mt). */
  dataset: string;
  stage: RlStage;
  /** The model folder GRPO starts from (default: the built-in tiny VLM, created in output_dir). */
  model?: string;
  /** An SFT (or DPO) adapter on `model`: merged into it, the reference model. */
  adapter?: string;
  /** The world, for stage mt and the a2b rewards. */
  uiStructure?: string;
  imagesDir?: string;
  /** A config file (JSON / YAML), under `config`. */
  configFile?: string;
  /** GRPO config keys (snake_case, as the flags), e.g. { output_dir, max_steps, reward_funcs }. */
  config?: Partial<GrpoConfigInput>;
  /** Every trainer event (start, step, log, checkpoint), next to the progress display. */
  onEvent?: (event: TrainerEvent) => void;
}

/** Runs GRPO to the end; `result.dir` is the final model (or adapter) folder. Throws InterruptedError on Ctrl-C. */
export function runGrpoStage(o: GrpoStageOptions): Promise<TrainOutcome> {
  const flags = Object.fromEntries(Object.entries(o.config ?? {}).map(([key, value]) => [`config:${key}`, value]));
  return runTrain(
    'grpo',
    {
      dataset: o.dataset,
      stage: o.stage,
      model: o.model,
      adapter: o.adapter,
      uiStructure: o.uiStructure,
      imagesDir: o.imagesDir,
      config: o.configFile,
      ...flags,
    },
    o.onEvent,
  );
}
