import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { checkOutputFile, type OutputOptions } from './output-dir.js';
import { removeAbandonedStaging, stagingPath, trackStaging, untrackStaging } from './staging.js';
import { writeChunks } from './write-chunks.js';
import { outputWriteError } from './write-errors.js';

/**
 * Writes one output file from a stream of text chunks (so a large output is never one string):
 * into a staging file next to it, renamed over `file` only when every chunk was written and
 * `signal` was not aborted. A failed or interrupted write leaves the old file (or none).
 */
export async function writeOutputFile(
  file: string,
  chunks: Iterable<string>,
  options: OutputOptions & { onWritten?: (chunks: number) => void } = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  await checkOutputFile(file, options.label);
  const resolved = path.resolve(file);
  const staging = stagingPath(resolved);
  const target = { label: options.label, path: file, staging };
  try {
    await mkdir(path.dirname(resolved), { recursive: true });
  } catch (err) {
    throw outputWriteError(err, target);
  }
  await removeAbandonedStaging(path.dirname(resolved), path.basename(resolved));
  trackStaging(staging);
  try {
    await writeChunks(staging, chunks, options);
    options.signal?.throwIfAborted();
    await rename(staging, resolved);
  } catch (err) {
    await rm(staging, { force: true });
    throw outputWriteError(err, target);
  } finally {
    untrackStaging(staging);
  }
}
