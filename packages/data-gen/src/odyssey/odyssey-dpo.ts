import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { NormBbox } from '../actions/coords.js';
import { formatOdysseyAction } from '../actions/odyssey.js';
import { checkImageFiles, listSome } from '../io/image-files.js';
import { type ImagePathStyle, styledImagePath } from '../io/image-paths.js';
import { checkOutputApart } from '../io/inputs-apart.js';
import { jsonLinesChunks } from '../io/json-files.js';
import { checkOutputFile } from '../io/output-dir.js';
import { writeOutputFile } from '../io/output-file.js';
import type { OnProgress } from '../io/progress.js';
import { type OdysseyPromptFormat, odysseyPrompt } from '../prompts/odyssey.js';
import { DataRng } from '../random/data-rng.js';
import {
  type MinDistance,
  ODYSSEY_DPO_STRATEGIES,
  type OdysseyDpoStrategy,
  rejectOdysseyStep,
  strategyApplies,
} from './dpo-strategies.js';
import type { OdysseyEpisode, OdysseyStep } from './episode-schema.js';
import { annotationsDir, type LoadedEpisode, readOdysseyEpisodes } from './read-episodes.js';
import type { StepAction } from './step-action.js';

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

export interface OdysseyDpoOptions {
  strategies?: readonly OdysseyDpoStrategy[];
  /** Gaussian noise of spatial rejections on the 0..1000 scale; default 50. */
  sigma?: number;
  seed?: number;
  /** Default `ams`: outside sam2_bbox and beyond the AMS radius; a number asks for at least that distance too. */
  minDistance?: MinDistance;
  /** `seed` (default): `<image>\nUser: {instruction}\nModel:`; `official`: the GUI-Odyssey agent's prompt with the last 4 actions. */
  promptFormat?: OdysseyPromptFormat;
  /** The path written for a step's screenshot. */
  imageOf: (episode: LoadedEpisode, step: OdysseyStep) => string;
}

export interface OdysseyDpoResult {
  records: OdysseyDpoRecord[];
  /** Pairs made per strategy. */
  pairs: Record<string, number>;
  /** Steps a requested strategy applied to but could not reject (e.g. no point far enough). */
  skipped: Record<string, number>;
}

function sam2Box(step: OdysseyStep): NormBbox | undefined {
  const box = step.sam2_bbox;
  return box && box.length === 4 ? [box[0], box[1], box[2], box[3]] : undefined;
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
  for (const { episode, index: i, action: step, prompt, chosen, image, sam2Bbox: box } of odysseyStepPrompts(
    episodes,
    options,
  )) {
    for (const strategy of strategies) {
      const rng = root.fork(`${episode.episode_id}/${i}/${strategy}`);
      const ctx = {
        step,
        instruction: episode.task_info.instruction,
        typedTexts,
        sigma,
        minDistance: options.minDistance ?? 'ams',
        ...(box ? { sam2Bbox: box } : {}),
      };
      const rejected = rejectOdysseyStep(strategy, ctx, rng);
      if (rejected === undefined) {
        if (strategyApplies(strategy, step.action)) skipped[strategy] = (skipped[strategy] ?? 0) + 1;
        continue;
      }
      pairs[strategy] = (pairs[strategy] ?? 0) + 1;
      records.push({ prompt, chosen, rejected, images: [image], strategy, episode_id: episode.episode_id, step: i });
    }
  }
  return { records, pairs, skipped };
}

export interface OdysseyStepPrompt {
  episode: OdysseyEpisode;
  /** The step's index in the episode. */
  index: number;
  step: OdysseyStep;
  action: StepAction;
  /** The step's prompt in the chosen format. */
  prompt: string;
  /** The ground-truth action string (official grammar). */
  chosen: string;
  /** The screenshot path as written. */
  image: string;
  sam2Bbox?: NormBbox;
}

/** Every step of the episodes with its prompt (history of the episode's earlier actions), answer and screenshot. */
export function odysseyStepPrompts(
  episodes: readonly LoadedEpisode[],
  options: Pick<OdysseyDpoOptions, 'promptFormat' | 'imageOf'>,
): OdysseyStepPrompt[] {
  return episodes.flatMap((loaded) => {
    const { episode } = loaded;
    const history = loaded.actions.map((a) => formatOdysseyAction(a.action));
    return loaded.actions.map((action, index) => {
      const step = episode.steps[index] as OdysseyStep;
      const image = options.imageOf(loaded, step);
      const prompt = odysseyPrompt(options.promptFormat ?? 'seed', {
        instruction: episode.task_info.instruction,
        image,
        history: history.slice(0, index),
      });
      const box = sam2Box(step);
      return {
        episode,
        index,
        step,
        action,
        prompt,
        chosen: history[index] as string,
        image,
        ...(box ? { sam2Bbox: box } : {}),
      };
    });
  });
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

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** `guinav data odyssey-dpo`: reads and validates the episodes, makes the pairs, writes JSONL atomically. */
export async function writeOdysseyDpo(options: WriteOdysseyDpoOptions): Promise<OdysseyDpoResult & { out: string }> {
  await checkOutputFile(options.out, '--out');
  const { annotations, shotsDir } = await odysseyFolders(options.episodesDir, options.screenshotsDir);
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

/**
 * The folder of episode files and the screenshots folder: `--screenshots` if given, else
 * `screenshots/` beside annotations/ when it exists, else the episodes folder itself.
 */
export async function odysseyFolders(
  episodesDir: string,
  screenshotsDir?: string,
): Promise<{ annotations: string; shotsDir: string }> {
  const annotations = await annotationsDir(episodesDir);
  const sibling = path.join(path.dirname(annotations), 'screenshots');
  return { annotations, shotsDir: screenshotsDir ?? ((await isDir(sibling)) ? sibling : annotations) };
}

/** Every step's screenshot must exist in `dir` and be an image of its extension's format. */
export async function checkOdysseyScreenshots(episodes: readonly LoadedEpisode[], dir: string): Promise<void> {
  const fileOf = (step: OdysseyStep) => path.resolve(dir, step.screenshot);
  const steps = episodes.flatMap((e) => e.episode.steps.map((step) => ({ episode: e.episode.episode_id, step })));
  const named = new Map(
    steps.map(({ episode, step }) => [fileOf(step), `${step.screenshot} (episode ${episode}, step ${step.step})`]),
  );
  const { missing, notImages } = await checkImageFiles([...named.keys()], (file) => named.get(file) as string);
  if (missing.length) {
    throw new Error(`--screenshots ${dir}: ${missing.length} screenshot(s) missing: ${listSome(missing, 3)}`);
  }
  if (notImages.length) {
    throw new Error(
      `--screenshots ${dir}: ${notImages.length} screenshot(s) are not images: ${listSome(notImages, 3)}`,
    );
  }
}
