import { formatJsonPath, JsonSyntaxError, parseJson, readTextFile } from '@guinav/data-gen';
import { z } from 'zod';

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
  /** What the records are, in messages (`prediction`; a dataset reader says `dataset`). */
  kind = 'prediction',
): Promise<Located<T>[]> {
  const text = await readTextFile(file, `${kind}s`);
  const raw = text.trimStart().startsWith('[')
    ? arrayItems(file, text)
    : (containerItems(file, text, recordsIn) ?? jsonlItems(file, text));
  if (raw.length === 0) throw new Error(`${file}: no ${kind} records`);
  return raw.map(({ value, where }) => {
    const parsed = schemaFor(value).safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? formatJsonPath(issue.path) : '(record)';
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

const BOX = 'expected [x1, y1, x2, y2] on the 0..1000 scale with x1 <= x2 and y1 <= y2';
const isNormBbox = (b: readonly number[]) =>
  b.length === 4 &&
  b.every((v) => v >= 0 && v <= 1000) &&
  (b[0] as number) <= (b[2] as number) &&
  (b[1] as number) <= (b[3] as number);

/**
 * A box on the 0..1000 scale of normalised screen coordinates, `[x1, y1, x2, y2]`. A box outside
 * the scale (pixels, or 0..1 fractions scaled wrongly) would silently score every click as wrong.
 */
export const NormBboxSchema = z
  .tuple([z.number(), z.number(), z.number(), z.number()])
  .refine(isNormBbox, { error: (issue) => `${BOX}, got ${JSON.stringify(issue.input)}` });

/** A `sam2_bbox`: such a box, or `[]` as the official GUI-Odyssey files hold for steps that are not clicks. */
export const Sam2BboxSchema = z.array(z.number()).refine((b) => b.length === 0 || isNormBbox(b), {
  error: (issue) => `${BOX}, or [], got ${JSON.stringify(issue.input)}`,
});

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
