import path from 'node:path';
import { type ImagePathStyle, styledImagePath } from '../io/image-paths.js';
import { checkOutputApart } from '../io/inputs-apart.js';
import { jsonLinesChunks } from '../io/json-files.js';
import { checkOutputFile } from '../io/output-dir.js';
import { writeOutputFile } from '../io/output-file.js';
import type { OnProgress } from '../io/progress.js';
import { DataRng } from '../random/data-rng.js';
import {
  type MinDistance,
  ODYSSEY_DPO_STRATEGIES,
  type OdysseyDpoStrategy,
  rejectOdysseyStep,
  strategyApplies,
} from './dpo-strategies.js';
import type { OdysseyStep } from './episode-schema.js';
import { annotationsDir, type LoadedEpisode, readOdysseyEpisodes } from './read-episodes.js';
import { checkOdysseyScreenshots, defaultScreenshotsDir } from './screenshots.js';
import { odysseyStepViews, type StepViewOptions } from './step-views.js';

export interface OdysseyDpoRecord {
  prompt: string;
  chosen: string;
  rejected: string;
  images: string[];
  strategy: OdysseyDpoStrategy;
  episode_id: string;
  step: number;
}

export const DEFAULT_ODYSSEY_SIGMA = 50;
export const DEFAULT_ODYSSEY_SEED = 42;

export interface OdysseyDpoOptions extends StepViewOptions {
  strategies?: readonly OdysseyDpoStrategy[];
  /** Gaussian noise of spatial rejections on the 0..1000 scale; default 50. */
  sigma?: number;
  seed?: number;
  /** Default `ams`: outside sam2_bbox and beyond the AMS radius; a number asks for at least that distance too. */
  minDistance?: MinDistance;
}

export interface OdysseyDpoResult {
  records: OdysseyDpoRecord[];
  /** Pairs made per strategy. */
  pairs: Record<string, number>;
  /** Steps a requested strategy applied to but could not reject (e.g. no point far enough). */
  skipped: Record<string, number>;
}

/**
 * One pair per (step, requested strategy that applies): chosen = the step's action in the
 * official grammar, rejected = the strategy's wrong action, which the official matcher scores as
 * wrong against the step's sam2_bbox. Each pair draws from its own random
 * stream (seed, episode, step, strategy), so a spatial or scroll pair does not depend on which
 * other episodes are read; text and logical rejections that type something draw from the TYPE
 * texts of all episodes read, so those can change with the selection.
 */
export function buildOdysseyDpoPairs(episodes: readonly LoadedEpisode[], options: OdysseyDpoOptions): OdysseyDpoResult {
  const strategies = options.strategies ?? ODYSSEY_DPO_STRATEGIES;
  const sigma = options.sigma ?? DEFAULT_ODYSSEY_SIGMA;
  if (!(sigma > 0)) throw new Error(`--sigma: expected a positive number, got ${sigma}`);
  const root = new DataRng(options.seed ?? DEFAULT_ODYSSEY_SEED);
  const typedTexts = [
    ...new Set(episodes.flatMap((e) => e.actions.flatMap((a) => (a.action.type === 'TYPE' ? [a.action.text] : [])))),
  ].sort();
  const records: OdysseyDpoRecord[] = [];
  const pairs: Record<string, number> = Object.fromEntries(strategies.map((s) => [s, 0]));
  const skipped: Record<string, number> = Object.fromEntries(strategies.map((s) => [s, 0]));
  for (const view of odysseyStepViews(episodes, options)) {
    const { episode } = view.loaded;
    for (const strategy of strategies) {
      const rng = root.fork(`${episode.episode_id}/${view.index}/${strategy}`);
      const ctx = {
        step: view.action,
        instruction: episode.task_info.instruction,
        typedTexts,
        sigma,
        minDistance: options.minDistance ?? 'ams',
        ...(view.sam2Bbox ? { sam2Bbox: view.sam2Bbox } : {}),
      };
      const rejected = rejectOdysseyStep(strategy, ctx, rng);
      if (rejected === undefined) {
        if (strategyApplies(strategy, view.action.action)) skipped[strategy] = (skipped[strategy] ?? 0) + 1;
        continue;
      }
      pairs[strategy] = (pairs[strategy] ?? 0) + 1;
      records.push({
        prompt: view.prompt,
        chosen: view.answer,
        rejected,
        images: [view.image],
        strategy,
        episode_id: episode.episode_id,
        step: view.index,
      });
    }
  }
  return { records, pairs, skipped };
}

export interface WriteOdysseyDpoOptions extends Omit<OdysseyDpoOptions, 'imageOf'> {
  /** The annotations folder, or the dataset root as released (annotations/, screenshots/, splits/). */
  episodesDir: string;
  split?: string;
  subset?: string;
  /** Where `<episode>_<step>.png` files are; default `screenshots/` beside annotations/ if it exists, else the episodes folder. */
  screenshotsDir?: string;
  out: string;
  /** `absolute` (default), relative to the output file's folder, or `as-given` (the screenshots folder as typed). */
  imagePaths?: ImagePathStyle;
  /** Fail when a screenshot is missing (default true). */
  checkImages?: boolean;
  onProgress?: OnProgress;
  /** Ctrl-C: stop before the output file is written. */
  signal?: AbortSignal;
}

/** `guinav data odyssey-dpo`: reads and validates the episodes, makes the pairs, writes JSONL atomically. */
export async function writeOdysseyDpo(options: WriteOdysseyDpoOptions): Promise<OdysseyDpoResult & { out: string }> {
  await checkOutputFile(options.out, '--out');
  const annotations = await annotationsDir(options.episodesDir);
  const shotsDir = options.screenshotsDir ?? (await defaultScreenshotsDir(annotations));
  // The folder whose *.json files are read as episodes (the dataset root's annotations/).
  await checkOutputApart({ label: '--out', path: options.out, files: [options.out] }, [
    { label: '--episodes', path: annotations },
    options.split ? { label: '--split', path: options.split } : undefined,
    { label: '--screenshots', path: shotsDir },
  ]);
  const episodes = await readOdysseyEpisodes(options.episodesDir, {
    ...(options.split ? { split: options.split } : {}),
    ...(options.subset ? { subset: options.subset } : {}),
  });
  const outDir = path.dirname(path.resolve(options.out));
  if (options.checkImages ?? true) await checkOdysseyScreenshots(episodes, shotsDir);
  const style = options.imagePaths ?? 'absolute';
  const imageOf = (_e: LoadedEpisode, step: OdysseyStep) => styledImagePath(shotsDir, step.screenshot, outDir, style);
  options.onProgress?.({ phase: 'pairs', done: 0, total: episodes.length });
  const result = buildOdysseyDpoPairs(episodes, { ...options, imageOf });
  options.onProgress?.({ phase: 'pairs', done: episodes.length, total: episodes.length });
  await writeOutputFile(options.out, jsonLinesChunks(result.records), { signal: options.signal, label: '--out' });
  return { ...result, out: options.out };
}
