import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { InteractiveRun } from '../sim/runner.js';

/** Writes pretty JSON through a temp file and a rename: readers never see half a file. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export interface InteractiveResultFiles {
  metrics: string;
  episodes: string;
}

/**
 * `episodes.jsonl` (one episode per line, full trajectory) then `metrics.json`, each atomically.
 * metrics.json is written last, so its presence means the run finished.
 */
export async function writeInteractiveResults(outDir: string, run: InteractiveRun): Promise<InteractiveResultFiles> {
  const files = { metrics: path.join(outDir, 'metrics.json'), episodes: path.join(outDir, 'episodes.jsonl') };
  await mkdir(outDir, { recursive: true });
  await writeFileAtomic(files.episodes, run.episodes.map((e) => `${JSON.stringify(e)}\n`).join(''));
  await writeJsonFile(files.metrics, run.metrics);
  return files;
}
