import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  checkOutputFile,
  jsonLinesChunks,
  type OnProgress,
  type OutputOptions,
  writeChunks,
  writeOutputDir,
} from '@guinav/data-gen';
import writeFileAtomic from 'write-file-atomic';
import type { InteractiveRun } from '../sim/runner.js';

/** Writes pretty JSON through a temp file and a rename: readers never see half a file. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await checkOutputFile(file);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The files `guinav eval interactive` writes into its output folder. */
export const INTERACTIVE_RESULT_FILES = { metrics: 'metrics.json', episodes: 'episodes.jsonl' } as const;

export interface InteractiveResultFiles {
  metrics: string;
  episodes: string;
}

/**
 * `episodes.jsonl` (one episode per line, full trajectory, written as a stream) and
 * `metrics.json`, staged together (data-gen's writeOutputDir): both appear in `outDir` only when
 * both were written, so a failed or interrupted write (Ctrl-C: `signal`) never pairs new episodes
 * with old metrics. Progress (phase `write`) counts episodes.
 */
export async function writeInteractiveResults(
  outDir: string,
  run: InteractiveRun,
  options: OutputOptions & { onProgress?: OnProgress } = {},
): Promise<InteractiveResultFiles> {
  const names = INTERACTIVE_RESULT_FILES;
  const total = run.episodes.length;
  await writeOutputDir(
    outDir,
    async (staging) => {
      options.onProgress?.({ phase: 'write', done: 0, total });
      await writeChunks(path.join(staging, names.episodes), jsonLinesChunks(run.episodes), {
        signal: options.signal,
        onWritten: (done) => options.onProgress?.({ phase: 'write', done, total }),
      });
      await writeChunks(path.join(staging, names.metrics), [`${JSON.stringify(run.metrics, null, 2)}\n`], {
        signal: options.signal,
      });
    },
    options,
  );
  return { metrics: path.join(outDir, names.metrics), episodes: path.join(outDir, names.episodes) };
}
