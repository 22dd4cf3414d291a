import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkOutputFile, writeOutputDir } from '@guinav/data-gen';
import writeFileAtomic from 'write-file-atomic';
import type { InteractiveRun } from '../sim/runner.js';

/** Writes pretty JSON through a temp file and a rename: readers never see half a file. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await checkOutputFile(file);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export interface InteractiveResultFiles {
  metrics: string;
  episodes: string;
}

/**
 * `episodes.jsonl` (one episode per line, full trajectory) and `metrics.json`, staged together
 * (data-gen's writeOutputDir): both appear in `outDir` only when both were written, so a failed
 * write never pairs new episodes with old metrics.
 */
export async function writeInteractiveResults(outDir: string, run: InteractiveRun): Promise<InteractiveResultFiles> {
  const names = { metrics: 'metrics.json', episodes: 'episodes.jsonl' };
  await writeOutputDir(outDir, async (staging) => {
    await writeFile(path.join(staging, names.episodes), run.episodes.map((e) => `${JSON.stringify(e)}\n`).join(''));
    await writeFile(path.join(staging, names.metrics), `${JSON.stringify(run.metrics, null, 2)}\n`);
  });
  return { metrics: path.join(outDir, names.metrics), episodes: path.join(outDir, names.episodes) };
}
