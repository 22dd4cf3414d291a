import { readFile } from 'node:fs/promises';
import { JsonSyntaxError, parseJson } from '@guinav/data-gen';
import type { z } from 'zod';

/** One parsed record and where it came from (`line 12` of JSONL, `item 3` of a JSON array). */
export interface Located<T> {
  value: T;
  where: string;
}

/**
 * Reads prediction records: JSONL (one object per line, blank lines skipped) or, when the file
 * starts with `[`, a JSON array (what several published inference scripts write), or a JSON
 * object that `recordsIn` finds the records in (an evaluator's result file). Every record
 * is checked with the schema `schemaFor` picks for it (files come in more than one layout); the
 * first bad record fails the whole file with its line and field.
 */
export async function readRecords<T>(
  file: string,
  schemaFor: (raw: unknown) => z.ZodType<T>,
  recordsIn?: (json: unknown) => unknown[] | undefined,
): Promise<Located<T>[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read predictions (${(err as Error).message})`);
  }
  const raw = text.trimStart().startsWith('[')
    ? arrayItems(file, text)
    : (containerItems(file, text, recordsIn) ?? jsonlItems(file, text));
  if (raw.length === 0) throw new Error(`${file}: no prediction records`);
  return raw.map(({ value, where }) => {
    const parsed = schemaFor(value).safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') || '(record)';
      throw new Error(`${file}: ${where}: ${field}: ${issue?.message}`);
    }
    return { value: parsed.data, where };
  });
}

function jsonlItems(file: string, text: string): Located<unknown>[] {
  const out: Located<unknown>[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push({ value: parseJson(line, file), where: `line ${i + 1}` });
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      throw new Error(`${file}: line ${i + 1}: not valid JSON at column ${err.position.column}: ${err.reason}`);
    }
  });
  return out;
}

function arrayItems(file: string, text: string): Located<unknown>[] {
  const json = parseJson(text, file);
  if (!Array.isArray(json)) throw new Error(`${file}: expected a JSON array of records or JSONL`);
  return json.map((value, i) => ({ value, where: `item ${i}` }));
}

/** The records of a whole-file JSON object, when `recordsIn` finds them; undefined for JSONL. */
function containerItems(
  file: string,
  text: string,
  recordsIn: ((json: unknown) => unknown[] | undefined) | undefined,
): Located<unknown>[] | undefined {
  if (!recordsIn || !text.trimStart().startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = parseJson(text, file);
  } catch {
    return undefined; // not one JSON document: read as JSONL, which names the bad line
  }
  return recordsIn(json)?.map((value, i) => ({ value, where: `record ${i}` }));
}

/** True when `value` is an object with this key (to pick a record layout before validating it). */
export function hasKey(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key);
}
