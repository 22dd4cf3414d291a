/**
 * Checkpoint folders as the Hugging Face Trainer lays them out: `<output_dir>/checkpoint-<step>/`
 * with the model (or adapter), `trainer_state.json`, the optimizer, scheduler and RNG state, and
 * `<output_dir>/final_model/`. A checkpoint is written into a hidden staging folder and renamed
 * into place, so a kill at any moment leaves the previous checkpoints intact and never a partial
 * one; `save_total_limit` removes the oldest (never the best).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SafetensorsFile } from '../io/safetensors/reader.js';
import { writeSafetensors } from '../io/safetensors/writer.js';
import type { AdamW, AdamWStateDict } from '../optim/adamw.js';
import type { TrainingRngState } from '../random/training-rng.js';

export const CHECKPOINT_PREFIX = 'checkpoint-';
export const FINAL_MODEL_DIR = 'final_model';

/** The subset of transformers' trainer_state.json that guinav writes and reads back. */
export interface TrainerState {
  global_step: number;
  epoch: number;
  max_steps: number;
  num_train_epochs: number;
  logging_steps: number;
  eval_steps: number;
  save_steps: number;
  train_batch_size: number;
  num_input_tokens_seen: number;
  best_metric: number | null;
  best_global_step: number | null;
  best_model_checkpoint: string | null;
  log_history: Record<string, number>[];
  /** guinav: where the data order stands (epoch index and micro-batches consumed in it). */
  guinav_data_position: { epoch: number; batch: number };
  /** As transformers stores callbacks' state (only EarlyStoppingCallback is used). */
  stateful_callbacks?: { EarlyStoppingCallback?: EarlyStoppingState };
}

/** transformers' EarlyStoppingCallback.state(). */
export interface EarlyStoppingState {
  args: { early_stopping_patience: number; early_stopping_threshold: number };
  attributes: { early_stopping_patience_counter: number };
}

export interface CheckpointExtras {
  state: TrainerState;
  schedulerStep: number;
  rng: TrainingRngState;
}

/** Writes `<dir>.staging-<pid>` through `write`, then renames it to `dir` (replacing an old one). */
export async function writeFolderAtomically(dir: string, write: (staging: string) => Promise<void>): Promise<void> {
  const staging = `${path.join(path.dirname(dir), `.${path.basename(dir)}`)}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    await write(staging);
    if (fs.existsSync(dir)) {
      const old = `${staging}.old`;
      fs.renameSync(dir, old);
      fs.renameSync(staging, dir);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(staging, dir);
    }
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as Error).message})`);
  }
}

/** optimizer.safetensors (`<param>.exp_avg`, `<param>.exp_avg_sq`) + optimizer.json (steps, hyperparameters). */
export async function saveOptimizer(dir: string, optimizer: AdamW): Promise<void> {
  const dict = await optimizer.stateDict();
  const tensors = Object.entries(dict.state).flatMap(([name, s]) => [
    { name: `${name}.exp_avg`, dtype: 'f32' as const, shape: [s.exp_avg.length], data: s.exp_avg },
    { name: `${name}.exp_avg_sq`, dtype: 'f32' as const, shape: [s.exp_avg_sq.length], data: s.exp_avg_sq },
  ]);
  await writeSafetensors(path.join(dir, 'optimizer.safetensors'), tensors);
  const steps = Object.fromEntries(Object.entries(dict.state).map(([name, s]) => [name, s.step]));
  writeJson(path.join(dir, 'optimizer.json'), { format: dict.format, hyper: dict.hyper, steps });
}

export function loadOptimizer(dir: string, optimizer: AdamW): void {
  const meta = readJson<{ format: 'guinav.adamw.v1'; hyper: AdamWStateDict['hyper']; steps: Record<string, number> }>(
    path.join(dir, 'optimizer.json'),
  );
  const file = SafetensorsFile.open(path.join(dir, 'optimizer.safetensors'));
  try {
    const state: AdamWStateDict['state'] = {};
    for (const [name, step] of Object.entries(meta.steps)) {
      state[name] = {
        step,
        exp_avg: file.read(`${name}.exp_avg`) as Float32Array,
        exp_avg_sq: file.read(`${name}.exp_avg_sq`) as Float32Array,
      };
    }
    optimizer.loadStateDict({ format: meta.format, hyper: meta.hyper, state }, path.join(dir, 'optimizer.json'));
  } finally {
    file.close();
  }
}

export function writeCheckpointExtras(dir: string, extras: CheckpointExtras): void {
  writeJson(path.join(dir, 'trainer_state.json'), extras.state);
  writeJson(path.join(dir, 'scheduler.json'), { step: extras.schedulerStep });
  writeJson(path.join(dir, 'rng_state.json'), extras.rng);
}

export function readCheckpointExtras(dir: string): CheckpointExtras {
  const state = readJson<TrainerState>(path.join(dir, 'trainer_state.json'));
  if (!Number.isInteger(state.global_step) || !state.guinav_data_position) {
    throw new Error(
      `${path.join(dir, 'trainer_state.json')}: not a guinav trainer state (no global_step / data position)`,
    );
  }
  return {
    state,
    schedulerStep: readJson<{ step: number }>(path.join(dir, 'scheduler.json')).step,
    rng: readJson<TrainingRngState>(path.join(dir, 'rng_state.json')),
  };
}

/** checkpoint-<step> folders of `outputDir`, oldest first. */
export function listCheckpoints(outputDir: string): { dir: string; step: number }[] {
  if (!fs.existsSync(outputDir)) return [];
  return fs
    .readdirSync(outputDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^checkpoint-\d+$/.test(e.name))
    .map((e) => ({ dir: path.join(outputDir, e.name), step: Number(e.name.slice(CHECKPOINT_PREFIX.length)) }))
    .sort((a, b) => a.step - b.step);
}

/** Keeps the newest `limit` checkpoints, plus the best one if it is older. */
export function rotateCheckpoints(outputDir: string, limit: number | null, best: string | null): void {
  if (limit === null) return;
  const all = listCheckpoints(outputDir);
  const keep = new Set(all.slice(-limit).map((c) => c.dir));
  if (best) keep.add(path.resolve(best));
  for (const c of all)
    if (!keep.has(c.dir) && !keep.has(path.resolve(c.dir))) fs.rmSync(c.dir, { recursive: true, force: true });
}

/** The checkpoint to resume from: an explicit folder, or the newest of `outputDir` for 'latest'. */
export function resolveResumeCheckpoint(outputDir: string, request: string): string {
  if (request !== 'latest') {
    if (!fs.existsSync(path.join(request, 'trainer_state.json'))) {
      throw new Error(`resume_from_checkpoint: ${request} is not a checkpoint folder (no trainer_state.json)`);
    }
    return request;
  }
  const newest = listCheckpoints(outputDir).at(-1);
  if (!newest) throw new Error(`resume_from_checkpoint: no checkpoint-<step> folder in ${outputDir} to resume from`);
  return newest.dir;
}
