import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { formatJsonPath, JsonSyntaxError, parseJson } from '../io/json-text.js';
import { decodeUtf8, InvalidUtf8Error, readTextFile } from '../io/text-files.js';
import { OdysseyEpisode, OdysseySplits } from './episode-schema.js';
import { type StepAction, stepAction } from './step-action.js';

/** One problem in an episode file: which file, episode and step, the field, and what was expected. */
export interface EpisodeIssue {
  file: string;
  episode?: string;
  step?: number;
  field: string;
  message: string;
}

export class OdysseyValidationError extends Error {
  constructor(readonly issues: EpisodeIssue[]) {
    const line = (i: EpisodeIssue) =>
      `  ${i.file}: ${i.episode ? `episode ${i.episode}, ` : ''}${i.step !== undefined ? `step ${i.step}, ` : ''}${i.field}: ${i.message}`;
    const shown = issues.slice(0, 20).map(line);
    const more = issues.length > shown.length ? [`  ... and ${issues.length - shown.length} more`] : [];
    super([`invalid GUI-Odyssey episodes (${issues.length} issue(s))`, ...shown, ...more].join('\n'));
    this.name = 'OdysseyValidationError';
  }
}

export interface LoadedEpisode {
  file: string;
  episode: OdysseyEpisode;
  /** The action of every step, in the official string grammar. */
  actions: StepAction[];
}

/** Parses one episode object; returns the issues instead of throwing so a whole folder is reported at once. */
export function parseOdysseyEpisode(json: unknown, file: string): LoadedEpisode | EpisodeIssue[] {
  if (typeof json !== 'object' || json === null || !('episode_id' in json || 'steps' in json)) {
    const message =
      'not a GUI-Odyssey episode (no episode_id or steps); --episodes takes the annotations folder or the dataset root that holds it';
    return [{ file, field: '(file)', message }];
  }
  const parsed = OdysseyEpisode.safeParse(json);
  const episodeId = (json as { episode_id?: unknown } | null)?.episode_id;
  const episode = typeof episodeId === 'string' ? episodeId : undefined;
  if (!parsed.success) return zodIssues(parsed.error, file, episode);
  const data = parsed.data;
  const issues: EpisodeIssue[] = [];
  const at = { file, episode: data.episode_id };
  if (data.step_length !== data.steps.length) {
    issues.push({
      ...at,
      field: 'step_length',
      message: `is ${data.step_length} but there are ${data.steps.length} steps`,
    });
  }
  const actions: StepAction[] = [];
  data.steps.forEach((step, i) => {
    if (step.step !== i)
      issues.push({ ...at, step: i, field: `steps[${i}].step`, message: `is ${step.step}, expected ${i}` });
    const box = step.sam2_bbox;
    if (box && box.length === 4 && !(box[0] <= box[2] && box[1] <= box[3])) {
      issues.push({
        ...at,
        step: i,
        field: `steps[${i}].sam2_bbox`,
        message: `[${box.join(',')}] must have x1 <= x2 and y1 <= y2`,
      });
    }
    try {
      actions.push(stepAction(step));
    } catch (err) {
      const message = (err as Error).message;
      const colon = message.indexOf(': ');
      issues.push({
        ...at,
        step: i,
        field: `steps[${i}].${message.slice(0, colon)}`,
        message: message.slice(colon + 2),
      });
    }
  });
  return issues.length ? issues : { file, episode: data, actions };
}

function zodIssues(error: z.ZodError, file: string, episode: string | undefined): EpisodeIssue[] {
  return error.issues.map((issue) => {
    const [first, index] = issue.path;
    const step = first === 'steps' && typeof index === 'number' ? index : undefined;
    return {
      file,
      ...(episode ? { episode } : {}),
      ...(step !== undefined ? { step } : {}),
      field: formatJsonPath(issue.path),
      message: issue.message,
    };
  });
}

export async function readOdysseySplits(file: string): Promise<OdysseySplits> {
  const text = await readTextFile(file, 'the splits file');
  const parsed = OdysseySplits.safeParse(parseJson(text, file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${file}: invalid splits file at ${formatJsonPath(issue?.path ?? [])}: ${issue?.message} (expected {"train": [episode ids], "test": [...]})`,
    );
  }
  return parsed.data;
}

/**
 * The folder of episode files: `dir/annotations` when `dir` is the dataset root as released
 * (annotations/, screenshots/, splits/ and helper files such as his_index.json, which are not
 * episodes), else `dir` itself.
 */
export async function annotationsDir(dir: string): Promise<string> {
  const nested = path.join(dir, 'annotations');
  try {
    if ((await stat(nested)).isDirectory()) return nested;
  } catch {
    // No annotations/ inside: dir is the folder of episode files.
  }
  return dir;
}

export interface ReadEpisodesOptions {
  /** A splits file; with it only the episodes of `subset` are read. */
  split?: string;
  /** Default `train`. */
  subset?: string;
}

/**
 * Reads every `*.json` episode of a folder (sorted by file name) or of a dataset root's
 * annotations/, or the subset a splits file names. Every problem across all files is collected,
 * then reported in one error.
 */
export async function readOdysseyEpisodes(
  episodesDir: string,
  options: ReadEpisodesOptions = {},
): Promise<LoadedEpisode[]> {
  const dir = await annotationsDir(episodesDir);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.json')).sort();
  } catch (err) {
    throw new Error(`--episodes ${episodesDir}: cannot read the folder (${(err as Error).message})`);
  }
  if (options.subset && !options.split) throw new Error('--subset: needs --split FILE to say which episodes are in it');
  if (options.split) files = await selectSubset(files, dir, options.split, options.subset ?? 'train');
  if (files.length === 0) throw new Error(`--episodes ${dir}: no episode files (*.json) found`);

  const loaded: LoadedEpisode[] = [];
  const issues: EpisodeIssue[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    let json: unknown;
    try {
      json = parseJson(decodeUtf8(await readFile(file), file), file);
    } catch (err) {
      const message =
        err instanceof JsonSyntaxError
          ? `not valid JSON at ${err.detail}`
          : err instanceof InvalidUtf8Error
            ? err.detail
            : (err as Error).message;
      issues.push({ file, field: '(file)', message });
      continue;
    }
    const result = parseOdysseyEpisode(json, file);
    if (Array.isArray(result)) issues.push(...result);
    else loaded.push(result);
  }
  const seen = new Map<string, string>();
  for (const e of loaded) {
    const other = seen.get(e.episode.episode_id);
    if (other)
      issues.push({
        file: e.file,
        episode: e.episode.episode_id,
        field: 'episode_id',
        message: `also used by ${other}`,
      });
    seen.set(e.episode.episode_id, e.file);
  }
  if (issues.length) throw new OdysseyValidationError(issues);
  return loaded;
}

/** Split files list annotation file names (`<id>.json`, which the official converter joins onto annotations/) or bare ids. */
async function selectSubset(files: string[], dir: string, splitFile: string, subset: string): Promise<string[]> {
  const splits = await readOdysseySplits(splitFile);
  const ids = splits[subset];
  if (!ids) {
    throw new Error(
      `--subset ${subset}: not in ${splitFile}; it has ${Object.keys(splits).join(', ') || 'no subsets'}`,
    );
  }
  const byId = new Map(files.map((f) => [f.replace(/\.json$/i, ''), f]));
  const missing = ids.filter((id) => !byId.has(id.replace(/\.json$/i, '')));
  if (missing.length) {
    throw new Error(
      `${splitFile}: subset ${subset} lists ${missing.length} episode(s) with no file in ${dir}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`,
    );
  }
  return [...new Set(ids.map((id) => byId.get(id.replace(/\.json$/i, '')) as string))].sort();
}
