import { writeFile } from 'node:fs/promises';
import { withPath } from './write-errors.js';

/** A JSON array with one record per line: valid JSON for ms-swift, yet readable and diff-friendly. */
export function jsonArrayText(records: readonly unknown[]): string {
  return [...jsonArrayChunks(records)].join('');
}

/** jsonArrayText as a stream of pieces, one per record (for writeOutputFile / writeChunks). */
export function* jsonArrayChunks(records: Iterable<unknown>): Generator<string> {
  let first = true;
  yield '[';
  for (const r of records) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(r)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}

/** JSON Lines: one record per line. */
export function jsonLinesText(records: readonly unknown[]): string {
  return [...jsonLinesChunks(records)].join('');
}

export function* jsonLinesChunks(records: Iterable<unknown>): Generator<string> {
  for (const r of records) yield `${JSON.stringify(r)}\n`;
}

/** Plain write: callers stage files in a temporary folder (see writeOutputDir) before they become visible. */
export async function writeText(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text, 'utf8');
  } catch (err) {
    throw withPath(err, file);
  }
}
