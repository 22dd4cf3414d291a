import { stat } from 'node:fs/promises';
import path from 'node:path';
import { checkImageFiles, listSome } from '../io/image-files.js';
import type { LoadedEpisode } from './read-episodes.js';

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Where `<episode>_<step>.png` files are: `screenshots/` beside annotations/ if it exists, else the episodes folder. */
export async function defaultScreenshotsDir(annotations: string): Promise<string> {
  const sibling = path.join(path.dirname(annotations), 'screenshots');
  return (await isDir(sibling)) ? sibling : annotations;
}

/** Every step's screenshot must exist in `dir` and be an image, so no record points at a missing or broken one. */
export async function checkOdysseyScreenshots(episodes: readonly LoadedEpisode[], dir: string): Promise<void> {
  const steps = episodes.flatMap((e) => e.episode.steps.map((step) => ({ episode: e.episode.episode_id, step })));
  const named = new Map(
    steps.map(({ episode, step }) => [
      path.resolve(dir, step.screenshot),
      `${step.screenshot} (episode ${episode}, step ${step.step})`,
    ]),
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
