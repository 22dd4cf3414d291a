/** Reading JSON files with errors that name the file, and writing text files atomically. */
import fs from 'node:fs';
import writeFileAtomic from 'write-file-atomic';

/** The parsed JSON of `file`; a missing or malformed file is an error naming it. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Writes `text` to a temporary file next to `file`, flushed, then renamed over it. */
export async function writeTextFileAtomic(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text);
}

/** JSON as transformers' save_pretrained writes configs: keys sorted, indent 2, a final newline. */
export function sortedJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** Object keys sorted recursively, as Python's json.dumps(sort_keys=True). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}
