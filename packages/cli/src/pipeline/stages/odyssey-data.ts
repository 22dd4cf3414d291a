/**
 * The GUI-Odyssey side of a run's data. The `episodes` stage generates synthetic episodes in the
 * released format (annotations/, screenshots/, splits/) into the run, or reads and validates the
 * given dataset root under its split. The `data` stage writes data-gen's pipeline files (sft.json,
 * dpo.jsonl, test.json, stats.json) and the pipeline's own: a validation set of held-out train
 * episodes (their steps picked the best checkpoint; they are in neither training set), the SFT
 * records without them, and the DPO pairs split into training and held-out pairs.
 */
import path from 'node:path';
import {
  checkOdysseyScreenshots,
  DEFAULT_SYNTHETIC_JITTER,
  defaultScreenshotsDir,
  hash32,
  type LoadedEpisode,
  ODYSSEY_CATEGORIES,
  ODYSSEY_PIPELINE_FILES,
  type OdysseySftRecord,
  type OnProgress,
  odysseySubsetStats,
  odysseyTestRecords,
  readOdysseyTrainTest,
  writeOdysseyPipelineData,
  writeSyntheticOdysseyEpisodes,
} from '@guinav/data-gen';
import { readJsonFile } from '@guinav/trainer-core';
import type { PipelineConfig } from '../config.js';
import type { RunFolder } from '../run-folder.js';
import { heldOutShare, readJsonLines, spread, writeJsonArray, writeJsonLines } from './data-files.js';

/** The pipeline's files beside data-gen's in `data/`. */
export const ODYSSEY_RUN_FILES = {
  sftTrain: 'sft_train.json',
  validation: 'validation.json',
  dpoTrain: 'dpo_train.jsonl',
  dpoEval: 'dpo_eval.jsonl',
} as const;

/** One prompt format for SFT, DPO, validation and test: the seed pipeline's `<image>\nUser: ...\nModel:`. */
const PROMPT_FORMAT = 'seed';

interface StageIo {
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** Where the run's episodes are: the given dataset root, or the synthetic ones generated into the run. */
export const episodesRoot = (run: RunFolder, config: PipelineConfig) => config.data.episodes ?? run.episodes;

function describe(train: readonly LoadedEpisode[], test: readonly LoadedEpisode[]): string {
  const t = odysseySubsetStats(train);
  const s = odysseySubsetStats(test);
  const categories = new Set([...Object.keys(t.byCategory), ...Object.keys(s.byCategory)]).size;
  return `train ${t.episodes} episodes / ${t.steps} steps, test ${s.episodes} / ${s.steps}, ${categories} categories`;
}

export async function buildEpisodes(run: RunFolder, config: PipelineConfig, io: StageIo): Promise<string> {
  const d = config.data;
  if (d.episodes === null) {
    await writeSyntheticOdysseyEpisodes({
      outDir: run.episodes,
      count: d.synthetic_episodes,
      seed: config.seed,
      jitter: DEFAULT_SYNTHETIC_JITTER,
      ...(d.synthetic_width !== null ? { width: d.synthetic_width } : {}),
      onProgress: io.onProgress,
      signal: io.signal,
    });
  }
  const read = await readOdysseyTrainTest(episodesRoot(run, config), d.split ?? undefined);
  io.signal?.throwIfAborted();
  if (d.episodes !== null) {
    await checkOdysseyScreenshots([...read.train, ...read.test], await defaultScreenshotsDir(read.annotations));
  }
  const what =
    d.episodes === null
      ? `${d.synthetic_episodes} synthetic episodes (seed ${config.seed}; not GUI-Odyssey data)`
      : `episodes of ${d.episodes}`;
  return `${what}, split ${read.split.file}: ${describe(read.train, read.test)}`;
}

/**
 * Train episodes held out for validation: whole episodes (no step of one is trained on), taken
 * round-robin over the categories in a seeded order until they hold `records` steps, and never
 * more than half of the train episodes.
 */
export function validationEpisodes(train: readonly LoadedEpisode[], records: number, seed: number): LoadedEpisode[] {
  const limit = Math.floor(train.length / 2);
  const categoryOf = (e: LoadedEpisode) => e.episode.task_info.category;
  const order = (e: LoadedEpisode) => hash32(`${seed}:validation:${e.episode.episode_id}`);
  const queues = [...new Set([...ODYSSEY_CATEGORIES, ...train.map(categoryOf)])].map((c) =>
    train.filter((e) => categoryOf(e) === c).sort((a, b) => order(a) - order(b)),
  );
  const chosen: LoadedEpisode[] = [];
  let steps = 0;
  for (let round = 0; steps < records && chosen.length < limit; round++) {
    const picks = queues.flatMap((q) => q.slice(round, round + 1));
    if (picks.length === 0) break;
    for (const e of picks) {
      if (steps >= records || chosen.length >= limit) break;
      chosen.push(e);
      steps += e.actions.length;
    }
  }
  return chosen;
}

export async function buildOdysseyData(run: RunFolder, config: PipelineConfig, io: StageIo): Promise<string> {
  const d = config.data;
  const root = episodesRoot(run, config);
  const { stats } = await writeOdysseyPipelineData({
    outDir: run.data,
    episodesDir: root,
    ...(d.split !== null ? { split: d.split } : {}),
    seed: config.seed,
    promptFormat: PROMPT_FORMAT,
    imagePaths: 'absolute',
    onProgress: io.onProgress,
    signal: io.signal,
  });
  io.signal?.throwIfAborted();
  const { train, annotations } = await readOdysseyTrainTest(root, d.split ?? undefined);
  const shots = await defaultScreenshotsDir(annotations);
  const heldOut = validationEpisodes(train, config.eval.validation_records, config.seed);
  const heldOutIds = new Set(heldOut.map((e) => e.episode.episode_id));
  const validation = spread(
    odysseyTestRecords(heldOut, {
      promptFormat: PROMPT_FORMAT,
      imageOf: (_e, step) => path.resolve(shots, step.screenshot),
    }),
    config.eval.validation_records,
  );
  const sft = (readJsonFile(path.join(run.data, ODYSSEY_PIPELINE_FILES.sft)) as OdysseySftRecord[]).filter(
    (r) => !heldOutIds.has(r.episode_id),
  );
  // Pairs of the validation episodes are held out, and a share of the others as GE-Lab's are.
  const pairs = readJsonLines(path.join(run.data, ODYSSEY_PIPELINE_FILES.dpo));
  const drawn = heldOutShare(config.seed, d.dpo_eval_fraction);
  const isHeldOut = (line: string, i: number) =>
    heldOutIds.has(String((JSON.parse(line) as { episode_id: unknown }).episode_id)) || drawn(i);
  const dpoEval = pairs.filter(isHeldOut);
  const dpoTrain = pairs.filter((l, i) => !isHeldOut(l, i));
  const F = ODYSSEY_RUN_FILES;
  await writeJsonArray(path.join(run.data, F.sftTrain), sft);
  await writeJsonArray(path.join(run.data, F.validation), validation);
  await writeJsonLines(path.join(run.data, F.dpoTrain), dpoTrain);
  await writeJsonLines(path.join(run.data, F.dpoEval), dpoEval);
  return (
    `sft ${sft.length} records (train split less ${heldOut.length} validation episodes, ${validation.length} steps), ` +
    `test ${stats.records.test} steps / ${stats.test.episodes} episodes, DPO pairs ${dpoTrain.length} + ${dpoEval.length} held out`
  );
}
