import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type DatasetOutput, prettyJsonOutput, writeDatasetOutputs } from '../io/dataset-outputs.js';
import { type ImagePathStyle, styledImagePath } from '../io/image-paths.js';
import { checkOutputApart } from '../io/inputs-apart.js';
import { jsonArrayChunks, jsonLinesChunks } from '../io/json-files.js';
import { checkOutputDir, writeOutputDir } from '../io/output-dir.js';
import type { OnProgress } from '../io/progress.js';
import { ODYSSEY_ROOT_DIRS, splitFileName } from './dataset-root.js';
import {
  buildOdysseyDpoPairs,
  DEFAULT_ODYSSEY_SEED,
  type OdysseyDpoOptions,
  type OdysseyDpoResult,
} from './odyssey-dpo.js';
import {
  type OdysseySftRecord,
  type OdysseySubsetStats,
  type OdysseyTestRecord,
  odysseySftRecords,
  odysseySubsetStats,
  odysseyTestRecords,
} from './pipeline-records.js';
import { annotationsDir, type LoadedEpisode, readOdysseyEpisodes, readOdysseySplits } from './read-episodes.js';
import { checkOdysseyScreenshots, defaultScreenshotsDir } from './screenshots.js';
import { generateSyntheticOdyssey, ODYSSEY_SPLIT_NAMES, type OdysseySplitName } from './sim/episodes.js';
import {
  checkSyntheticTarget,
  fillSyntheticRoot,
  readSyntheticManifest,
  type SyntheticManifest,
  syntheticManifest,
} from './sim/write.js';

/** The files `writeOdysseyPipelineData` writes into its output folder. */
export const ODYSSEY_PIPELINE_FILES = {
  sft: 'sft.json',
  dpo: 'dpo.jsonl',
  test: 'test.json',
  stats: 'stats.json',
  /** The synthetic dataset root, when no episodes are given. */
  episodes: 'episodes',
} as const;

export interface OdysseyPipelineDataOptions extends Omit<OdysseyDpoOptions, 'imageOf'> {
  outDir: string;
  /** A GUI-Odyssey dataset root (or its annotations folder); without it synthetic episodes are generated into `outDir/episodes`. */
  episodesDir?: string;
  /** A splits file, or the name of one in the root's splits/ (random, task, device, app); default `random`. */
  split?: string;
  /** Where `<episode>_<step>.png` files are; default `screenshots/` beside annotations/. */
  screenshotsDir?: string;
  /** Seed of the DPO rejections and of the synthetic episodes (default 42). */
  seed?: number;
  /** Synthetic episodes to generate when `episodesDir` is not given (default 300). */
  syntheticEpisodes?: number;
  /** Synthetic screens: largest per-visit shift of their content, 0..1000 (default 12). */
  jitter?: number;
  /** Synthetic screenshot width in pixels (default 224). */
  width?: number;
  /** Render threads for synthetic screenshots (default one per core; 0: this thread). */
  workers?: number;
  /** How records point at screenshots: `absolute` (default), `relative` to `outDir`, or `as-given`. */
  imagePaths?: ImagePathStyle;
  /** Fail when a screenshot of the given episodes is missing (default true). */
  checkImages?: boolean;
  onProgress?: OnProgress;
  /** Ctrl-C: stop; `outDir` keeps its old content. */
  signal?: AbortSignal;
}

export interface OdysseyPipelineStats {
  source: 'synthetic' | 'episodes';
  /** The dataset root read (for synthetic data, `outDir/episodes`). */
  episodesDir: string;
  splitFile: string;
  /** The split's kind when known from its name: how the scorer averages (`random`: over the 6 categories). */
  splitName?: OdysseySplitName;
  seed: number;
  promptFormat: string;
  /** For synthetic data: what generated it (and that it is not GUI-Odyssey data). */
  synthetic?: SyntheticManifest & { reused: boolean };
  train: OdysseySubsetStats;
  test: OdysseySubsetStats;
  records: { sft: number; dpo: number; test: number };
  dpo: Pick<OdysseyDpoResult, 'pairs' | 'skipped'>;
}

export interface OdysseyPipelineData {
  outDir: string;
  /** Absolute paths of what was written (and of the episodes and split read). */
  files: { sft: string; dpo: string; test: string; stats: string; episodes: string; split: string };
  stats: OdysseyPipelineStats;
}

export interface ResolvedSplit {
  file: string;
  name?: OdysseySplitName;
}

const isSplitName = (s: string): s is OdysseySplitName => (ODYSSEY_SPLIT_NAMES as readonly string[]).includes(s);

/** A split name means `splits/<name>_split.json` beside annotations/; anything else is a file. */
function resolveSplit(split: string | undefined, annotations: string): ResolvedSplit {
  const wanted = split ?? 'random';
  if (isSplitName(wanted) && !existsSync(wanted)) {
    const file = path.join(path.dirname(annotations), ODYSSEY_ROOT_DIRS.splits, splitFileName(wanted));
    if (!existsSync(file)) {
      throw new Error(
        `--split ${wanted}: no ${file}; give the splits file with --split FILE ({"train": [...], "test": [...]})`,
      );
    }
    return { file, name: wanted };
  }
  const match = /^(random|task|device|app)_split\.json$/.exec(path.basename(wanted));
  return { file: wanted, ...(match ? { name: match[1] as OdysseySplitName } : {}) };
}

async function readSubsets(
  root: string,
  split: ResolvedSplit,
  shown: string,
): Promise<{ train: LoadedEpisode[]; test: LoadedEpisode[] }> {
  const splits = await readOdysseySplits(split.file);
  for (const subset of ['train', 'test']) {
    if (!splits[subset]?.length) {
      throw new Error(
        `${shown}: the "${subset}" list is ${splits[subset] ? 'empty' : 'missing'}; the pipeline trains on "train" and evaluates on "test" (it has ${Object.keys(splits).join(', ') || 'no lists'})`,
      );
    }
  }
  return {
    train: await readOdysseyEpisodes(root, { split: split.file, subset: 'train' }),
    test: await readOdysseyEpisodes(root, { split: split.file, subset: 'test' }),
  };
}

export interface OdysseyTrainTest {
  train: LoadedEpisode[];
  test: LoadedEpisode[];
  /** The annotations folder read, and the split file (with its kind when known from its name). */
  annotations: string;
  split: ResolvedSplit;
}

/**
 * The train and test episodes of a dataset root (or its annotations folder) under a split (a
 * name of the root's splits/, or a file; default `random`), each episode validated: what the
 * pipeline reads, without writing anything.
 */
export async function readOdysseyTrainTest(episodesDir: string, split?: string): Promise<OdysseyTrainTest> {
  const annotations = await annotationsDir(episodesDir);
  const resolved = resolveSplit(split, annotations);
  return { ...(await readSubsets(episodesDir, resolved, resolved.file)), annotations, split: resolved };
}

interface Built {
  outputs: DatasetOutput[];
  stats: OdysseyPipelineStats;
}

/** Reads the split's episodes and builds sft.json, dpo.jsonl, test.json and stats.json. */
async function buildOutputs(
  options: OdysseyPipelineDataOptions,
  /** `shownSplit`: the split file named in stats.json when it is read from elsewhere (the staging folder). */
  read: { root: string; split: ResolvedSplit; shotsDir: string; shownSplit?: string },
  source: Pick<OdysseyPipelineStats, 'source' | 'episodesDir' | 'synthetic'>,
): Promise<Built> {
  const { train, test } = await readSubsets(read.root, read.split, read.shownSplit ?? read.split.file);
  if (source.source === 'episodes' && (options.checkImages ?? true))
    await checkOdysseyScreenshots([...train, ...test], read.shotsDir);
  const style = options.imagePaths ?? 'absolute';
  const imageOf = (_e: LoadedEpisode, step: { screenshot: string }) =>
    styledImagePath(read.shotsDir, step.screenshot, options.outDir, style);
  const seed = options.seed ?? DEFAULT_ODYSSEY_SEED;
  const promptFormat = options.promptFormat ?? 'seed';
  options.onProgress?.({ phase: 'records', done: 0, total: train.length + test.length });
  const dpo = buildOdysseyDpoPairs(train, { ...options, seed, promptFormat, imageOf });
  const sft: OdysseySftRecord[] = odysseySftRecords(train, { promptFormat, imageOf });
  const testRecords: OdysseyTestRecord[] = odysseyTestRecords(test, { promptFormat, imageOf });
  options.onProgress?.({ phase: 'records', done: train.length + test.length, total: train.length + test.length });
  const stats: OdysseyPipelineStats = {
    ...source,
    splitFile: read.shownSplit ?? read.split.file,
    ...(read.split.name ? { splitName: read.split.name } : {}),
    seed,
    promptFormat,
    train: odysseySubsetStats(train),
    test: odysseySubsetStats(test),
    records: { sft: sft.length, dpo: dpo.records.length, test: testRecords.length },
    dpo: { pairs: dpo.pairs, skipped: dpo.skipped },
  };
  const F = ODYSSEY_PIPELINE_FILES;
  return {
    stats,
    outputs: [
      [F.sft, jsonArrayChunks(sft), sft.length + 2],
      [F.dpo, jsonLinesChunks(dpo.records), dpo.records.length],
      [F.test, jsonArrayChunks(testRecords), testRecords.length + 2],
      prettyJsonOutput(F.stats, stats),
    ],
  };
}

const sameSettings = (a: SyntheticManifest | undefined, b: SyntheticManifest) =>
  a !== undefined && (['version', 'count', 'seed', 'jitter', 'width'] as const).every((k) => a[k] === b[k]);

/**
 * The data side of the GUI-Odyssey pipeline, in one call: SFT records of the train split's
 * ground-truth actions (sft.json, ms-swift messages + images), DPO pairs of the train split
 * (dpo.jsonl), test records of the test split (test.json: add `pred` and score), and counts
 * (stats.json), all with one prompt format. Without `episodesDir`, synthetic episodes are
 * generated into `outDir/episodes` first (kept and reused while their settings are the same).
 * Everything is staged and moved into `outDir` only when complete.
 */
export async function writeOdysseyPipelineData(options: OdysseyPipelineDataOptions): Promise<OdysseyPipelineData> {
  const { outDir, signal } = options;
  await checkOutputDir(outDir, '--out');
  const F = ODYSSEY_PIPELINE_FILES;
  const files = Object.fromEntries(
    (['sft', 'dpo', 'test', 'stats'] as const).map((k) => [k, path.resolve(outDir, F[k])]),
  ) as Record<'sft' | 'dpo' | 'test' | 'stats', string>;
  const writeOptions = { signal, onProgress: options.onProgress };

  if (options.episodesDir) {
    const annotations = await annotationsDir(options.episodesDir);
    const split = resolveSplit(options.split, annotations);
    const shotsDir = options.screenshotsDir ?? (await defaultScreenshotsDir(annotations));
    await checkOutputApart({ label: '--out', path: outDir, files: Object.values(files) }, [
      { label: '--episodes', path: annotations },
      { label: '--split', path: split.file },
      { label: '--screenshots', path: shotsDir },
    ]);
    const source = { source: 'episodes' as const, episodesDir: path.resolve(options.episodesDir) };
    const built = await buildOutputs(options, { root: options.episodesDir, split, shotsDir }, source);
    await writeOutputDir(outDir, (staging) => writeDatasetOutputs(staging, built.outputs, writeOptions), {
      label: '--out',
      signal,
    });
    return {
      outDir,
      files: { ...files, episodes: source.episodesDir, split: path.resolve(split.file) },
      stats: built.stats,
    };
  }

  if (options.split !== undefined && !isSplitName(options.split)) {
    throw new Error(
      `--split ${options.split}: synthetic episodes come with the ${ODYSSEY_SPLIT_NAMES.join(', ')} splits; give one of those names, or --episodes with your own split file`,
    );
  }
  const seed = options.seed ?? DEFAULT_ODYSSEY_SEED;
  const manifest = syntheticManifest({
    ...(options.syntheticEpisodes !== undefined ? { count: options.syntheticEpisodes } : {}),
    ...(options.jitter !== undefined ? { jitter: options.jitter } : {}),
    ...(options.width !== undefined ? { width: options.width } : {}),
    seed,
  });
  if (manifest.count < 2) {
    throw new Error(
      `--synthetic: the pipeline needs at least 2 episodes (one to train on, one to test), got ${manifest.count}`,
    );
  }
  const root = path.resolve(outDir, F.episodes);
  const reused =
    sameSettings(await readSyntheticManifest(root), manifest) &&
    existsSync(path.join(root, ODYSSEY_ROOT_DIRS.annotations));
  if (!reused) await checkSyntheticTarget(root, '--out');
  const splitName = options.split ?? 'random';
  const final = { file: path.join(root, ODYSSEY_ROOT_DIRS.splits, splitFileName(splitName)), name: splitName };
  const source = { source: 'synthetic' as const, episodesDir: root, synthetic: { ...manifest, reused } };
  let stats: OdysseyPipelineStats | undefined;
  const shotsDir = path.join(root, ODYSSEY_ROOT_DIRS.screenshots);
  await writeOutputDir(
    outDir,
    async (staging) => {
      // Fresh episodes are generated into the staging folder and read back from there.
      let readRoot = root;
      if (!reused) {
        readRoot = path.join(staging, F.episodes);
        await mkdir(readRoot);
        const data = generateSyntheticOdyssey({ count: manifest.count, seed, jitter: manifest.jitter });
        await fillSyntheticRoot(readRoot, data, manifest, { ...writeOptions, workers: options.workers });
      }
      const split = { ...final, file: path.join(readRoot, ODYSSEY_ROOT_DIRS.splits, splitFileName(splitName)) };
      const built = await buildOutputs(options, { root: readRoot, split, shotsDir, shownSplit: final.file }, source);
      stats = built.stats;
      await writeDatasetOutputs(staging, built.outputs, writeOptions);
    },
    { label: '--out', signal, ...(reused ? {} : { replace: [F.episodes] }) },
  );
  return { outDir, files: { ...files, episodes: root, split: final.file }, stats: stats as OdysseyPipelineStats };
}
