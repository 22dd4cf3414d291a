import path from 'node:path';
import type { OnProgress } from './progress.js';
import { writeChunks } from './write-chunks.js';

/** One file of a dataset folder: its name, its text as chunks, and how many chunks (for progress). */
export type DatasetOutput = [name: string, chunks: Iterable<string>, count: number];

/** A pretty-printed JSON file as one chunk. */
export const prettyJsonOutput = (name: string, value: unknown): DatasetOutput => [
  name,
  [`${JSON.stringify(value, null, 2)}\n`],
  1,
];

/**
 * Writes dataset files into a staging folder one after another, reporting the `write` phase in
 * chunks (records) written across all of them.
 */
export async function writeDatasetOutputs(
  folder: string,
  outputs: readonly DatasetOutput[],
  options: { signal?: AbortSignal | undefined; onProgress?: OnProgress | undefined } = {},
): Promise<void> {
  const total = outputs.reduce((n, [, , count]) => n + count, 0);
  let before = 0;
  options.onProgress?.({ phase: 'write', done: 0, total });
  for (const [name, chunks, count] of outputs) {
    await writeChunks(path.join(folder, name), chunks, {
      signal: options.signal,
      onWritten: (written) => options.onProgress?.({ phase: 'write', done: before + written, total }),
    });
    before += count;
  }
}
