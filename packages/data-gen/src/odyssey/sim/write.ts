import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mapLimit } from '../../io/concurrency.js';
import { checkOutputDir, writeOutputDir } from '../../io/output-dir.js';
import type { OnProgress } from '../../io/progress.js';
import { inProcessRasterizer, type Rasterizer, workerRasterizer } from '../../render/rasterizer.js';
import { ODYSSEY_ROOT_DIRS, writeEpisodeFiles } from '../dataset-root.js';
import { screenSvg } from './draw.js';
import {
  DEFAULT_SYNTHETIC_EPISODES,
  DEFAULT_SYNTHETIC_JITTER,
  DEFAULT_SYNTHETIC_SEED,
  generateSyntheticOdyssey,
  type SyntheticOdyssey,
  type SyntheticOdysseyOptions,
} from './episodes.js';

/** Screenshot width in pixels (the height follows the device's aspect). */
export const DEFAULT_SYNTHETIC_WIDTH = 224;
/** The file at the dataset root that says what made it (not an episode; the reader skips it). */
export const SYNTHETIC_MANIFEST = 'synthetic.json';
/** Screenshots per render thread at least; fewer are rendered in this thread. */
const SHOTS_PER_WORKER = 200;
/** Bumped whenever the generator's output for the same settings changes. */
export const SYNTHETIC_GENERATOR_VERSION = 1;

export interface SyntheticManifest {
  generator: string;
  note: string;
  version: number;
  count: number;
  seed: number;
  jitter: number;
  width: number;
}

export interface WriteSyntheticOdysseyOptions extends SyntheticOdysseyOptions {
  outDir: string;
  /** Screenshot width in pixels (default 224). */
  width?: number;
  /** Render threads (default: one per core, at most one per 200 screenshots; 0 renders in this thread). */
  workers?: number;
  onProgress?: OnProgress;
  /** Ctrl-C: stop, and leave `outDir` as it was. */
  signal?: AbortSignal;
}

export interface WrittenSyntheticOdyssey extends SyntheticOdyssey {
  outDir: string;
  manifest: SyntheticManifest;
  steps: number;
}

export function syntheticManifest(options: SyntheticOdysseyOptions & { width?: number }): SyntheticManifest {
  const width = options.width ?? DEFAULT_SYNTHETIC_WIDTH;
  if (!Number.isInteger(width) || width < 32 || width > 4096)
    throw new Error(`--width: expected a whole number of pixels from 32 to 4096, got ${width}`);
  return {
    generator: 'guinav simulated phone',
    note: 'Synthetic episodes in the GUI-Odyssey file format, recorded on a simulated phone; not GUI-Odyssey data.',
    version: SYNTHETIC_GENERATOR_VERSION,
    count: options.count ?? DEFAULT_SYNTHETIC_EPISODES,
    seed: options.seed ?? DEFAULT_SYNTHETIC_SEED,
    jitter: options.jitter ?? DEFAULT_SYNTHETIC_JITTER,
    width,
  };
}

/** The manifest of a dataset root this generator wrote, if it has one. */
export async function readSyntheticManifest(root: string): Promise<SyntheticManifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(root, SYNTHETIC_MANIFEST), 'utf8')) as SyntheticManifest;
  } catch {
    return undefined;
  }
}

/**
 * A synthetic dataset root replaces the annotations/, screenshots/ and splits/ folders of its
 * output: refused when they hold episodes this generator did not write (no synthetic.json).
 */
export async function checkSyntheticTarget(root: string, label: string): Promise<void> {
  await checkOutputDir(root, label);
  const annotations = path.join(root, ODYSSEY_ROOT_DIRS.annotations);
  if (existsSync(annotations) && !(await readSyntheticManifest(root))) {
    throw new Error(
      `${label} ${root}: holds ${ODYSSEY_ROOT_DIRS.annotations}/ without ${SYNTHETIC_MANIFEST}, so it is not a folder this generator wrote; ` +
        'choose a new or empty folder (the synthetic episodes replace annotations/, screenshots/ and splits/)',
    );
  }
}

/**
 * Fills a dataset root (a staging folder) with the generated episodes: annotations, splits, the
 * manifest and one PNG per step. Screens that come out identical are rendered once and copied.
 */
export async function fillSyntheticRoot(
  root: string,
  data: SyntheticOdyssey,
  manifest: SyntheticManifest,
  options: Pick<WriteSyntheticOdysseyOptions, 'workers' | 'onProgress' | 'signal'> = {},
): Promise<void> {
  await writeEpisodeFiles(
    root,
    data.episodes.map((e) => e.episode),
    data.splits,
  );
  await writeFile(path.join(root, SYNTHETIC_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  const shotsDir = path.join(root, ODYSSEY_ROOT_DIRS.screenshots);
  const jobs = data.episodes.flatMap((e) =>
    e.shots.map((shot) => ({
      file: path.join(shotsDir, shot.file),
      svg: screenSvg(shot.screen, shot.offset, e.episode.device_info, manifest.width),
    })),
  );
  const firstOf = new Map<string, string>();
  const unique = jobs.filter((j) => !firstOf.has(j.svg) && firstOf.set(j.svg, j.file));
  const total = jobs.length;
  let done = 0;
  const tick = () => options.onProgress?.({ phase: 'render', done: ++done, total });
  options.onProgress?.({ phase: 'render', done: 0, total });
  // Starting a render thread (and sharp in it) costs more than a few hundred small screenshots take.
  const workers = Math.min(options.workers ?? os.availableParallelism(), Math.floor(unique.length / SHOTS_PER_WORKER));
  const rasterizer: Rasterizer =
    workers > 0 ? workerRasterizer(Math.min(workers, unique.length || 1)) : inProcessRasterizer();
  try {
    await mapLimit(
      unique,
      2 * Math.max(1, workers),
      async (j) => {
        await rasterizer.rasterize(j.svg, j.file);
        tick();
      },
      options.signal,
    );
  } finally {
    await rasterizer.close();
  }
  const copies = jobs.filter((j) => firstOf.get(j.svg) !== j.file);
  await mapLimit(
    copies,
    8,
    async (j) => {
      await copyFile(firstOf.get(j.svg) as string, j.file);
      tick();
    },
    options.signal,
  );
}

/**
 * `guinav data odyssey-synthetic`: generates the episodes and writes a GUI-Odyssey dataset root
 * (annotations/, screenshots/, splits/ with the random, task, device and app splits, and
 * synthetic.json), staged and moved into `outDir` only when complete.
 */
export async function writeSyntheticOdysseyEpisodes(
  options: WriteSyntheticOdysseyOptions,
): Promise<WrittenSyntheticOdyssey> {
  const manifest = syntheticManifest(options);
  await checkSyntheticTarget(options.outDir, '--out');
  options.onProgress?.({ phase: 'episodes', done: 0, total: manifest.count });
  const data = generateSyntheticOdyssey(options);
  options.onProgress?.({ phase: 'episodes', done: manifest.count, total: manifest.count });
  await writeOutputDir(options.outDir, (staging) => fillSyntheticRoot(staging, data, manifest, options), {
    label: '--out',
    replace: Object.values(ODYSSEY_ROOT_DIRS),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const steps = data.episodes.reduce((n, e) => n + e.episode.steps.length, 0);
  return { ...data, outDir: options.outDir, manifest, steps };
}
