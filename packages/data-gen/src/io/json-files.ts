import { writeFile } from 'node:fs/promises';

/** A JSON array with one record per line: valid JSON for ms-swift, yet readable and diff-friendly. */
export function jsonArrayText(records: readonly unknown[]): string {
  if (records.length === 0) return '[]\n';
  return `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`;
}

/** JSON Lines: one record per line. */
export function jsonLinesText(records: readonly unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** Plain write: callers stage files in a temporary folder (see writeOutputDir) before they become visible. */
export async function writeText(file: string, text: string): Promise<void> {
  await writeFile(file, text, 'utf8');
}
