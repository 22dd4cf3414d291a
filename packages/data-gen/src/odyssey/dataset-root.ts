import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OdysseyEpisode } from './episode-schema.js';

/**
 * The GUI-Odyssey dataset root as released: `annotations/<episode_id>.json`,
 * `screenshots/<episode_id>_<step>.png` and `splits/<name>_split.json`, whose `train` / `test`
 * lists name annotation files (`<episode_id>.json`).
 */
export const ODYSSEY_ROOT_DIRS = { annotations: 'annotations', screenshots: 'screenshots', splits: 'splits' } as const;

export const splitFileName = (name: string) => `${name}_split.json`;

const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Writes the annotation and split files into `root` (a staging folder: plain writes) and creates
 * the screenshots folder for the caller to fill.
 */
export async function writeEpisodeFiles(
  root: string,
  episodes: readonly OdysseyEpisode[],
  /** Split name -> the file's content (`{train, test}`). */
  splits: Readonly<Record<string, unknown>>,
): Promise<void> {
  for (const dir of Object.values(ODYSSEY_ROOT_DIRS)) await mkdir(path.join(root, dir), { recursive: true });
  for (const episode of episodes)
    await writeFile(path.join(root, ODYSSEY_ROOT_DIRS.annotations, `${episode.episode_id}.json`), pretty(episode));
  for (const [name, split] of Object.entries(splits))
    await writeFile(path.join(root, ODYSSEY_ROOT_DIRS.splits, splitFileName(name)), pretty(split));
}
