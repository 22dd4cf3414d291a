/**
 * What `guinav predict` reads, and the record it writes for each prompt, in the layout
 * `guinav eval static` scores:
 * - GE-Lab records with `messages` (test.json, also sft.json) or RL records (`problem`,
 *   `solution`) -> `--format gelab` records `{idx, prompt, gt, pred, path, task, bbox_norm, ...}`;
 * - a GUI-Odyssey dataset folder (episodes, optionally a split) -> `--format odyssey` records
 *   `{episode_id, step, category, gt, pred, sam2_bbox, step_length, ...}`;
 * - GUI-Odyssey preference records (`prompt`, `chosen`: data odyssey-dpo) -> `--format coords`
 *   records (the record with `pred` added).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  annotationsDir,
  type ChatMessage,
  checkOdysseyScreenshots,
  defaultScreenshotsDir,
  type FlaggedPath,
  type OdysseyPromptFormat,
  odysseyStepViews,
  parseOdysseyAction,
  readOdysseyEpisodes,
} from '@guinav/data-gen';
import { hasKey, type Located, readRecords } from '@guinav/eval-env';
import { z } from 'zod';
import { checkImages, MessagesRecord, PairRecord, RlRecord, resolveImage } from '../datasets/records.js';

export type PredictionFormat = 'gelab' | 'odyssey' | 'coords';

export interface PredictItem {
  /** Where the prompt came from (`item 3`, `line 12`, `episode 123 step 2`), for errors. */
  where: string;
  /** The prompt turns (the answer left out). */
  messages: ChatMessage[];
  /** Image files, in `<image>` order, resolved to paths that can be read. */
  images: string[];
  /** The output record for the model's answer. */
  record(pred: string): Record<string, unknown>;
}

export interface PredictionSource {
  format: PredictionFormat;
  /** What was read, for the console (`GE-Lab test records`). */
  description: string;
  items: PredictItem[];
}

export interface SourceOptions {
  /** A dataset file (JSON array or JSONL) or a GUI-Odyssey dataset folder. */
  data: string;
  /** GUI-Odyssey: a splits file, and the subset of it to predict (default `test`). */
  split?: string;
  subset?: string;
  promptFormat?: OdysseyPromptFormat;
  screenshots?: string;
}

type Parsed =
  | { kind: 'messages'; value: z.output<typeof MessagesRecord> }
  | { kind: 'rl'; value: z.output<typeof RlRecord> }
  | { kind: 'pair'; value: z.output<typeof PairRecord> };

function schemaFor(raw: unknown): z.ZodType<Parsed> {
  if (hasKey(raw, 'messages')) return MessagesRecord.transform((value) => ({ kind: 'messages' as const, value }));
  if (hasKey(raw, 'problem')) return RlRecord.transform((value) => ({ kind: 'rl' as const, value }));
  if (hasKey(raw, 'prompt') && hasKey(raw, 'chosen')) {
    return PairRecord.transform((value) => ({ kind: 'pair' as const, value }));
  }
  return z.never({
    error:
      'expected a dataset record: "messages" (GE-Lab / ms-swift), "problem" + "solution" (GE-Lab RL) or "prompt" + "chosen" (preference pairs)',
  });
}

export async function readPredictionSource(options: SourceOptions): Promise<PredictionSource> {
  let isDir: boolean;
  try {
    isDir = (await stat(options.data)).isDirectory();
  } catch (err) {
    throw new Error(`--data ${options.data}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (isDir) return odysseySource(options);
  for (const flag of ['split', 'subset', 'promptFormat', 'screenshots'] as const) {
    if (options[flag] !== undefined) {
      throw new Error(
        `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies only to a GUI-Odyssey dataset folder (--data ${options.data} is a file)`,
      );
    }
  }
  return recordsSource(options.data);
}

async function recordsSource(file: string): Promise<PredictionSource> {
  const records = await readRecords(file, schemaFor, undefined, 'dataset');
  const kinds = new Set(records.map((r) => r.value.kind));
  if (kinds.size > 1)
    throw new Error(`${file}: mixes record layouts (${[...kinds].join(', ')}); predict one dataset at a time`);
  const dir = path.dirname(path.resolve(file));
  const items = records.map((r, i) => itemOf(file, dir, r, i));
  await checkImages(
    file,
    items.flatMap((item) => item.images.map((image) => ({ image, where: item.where }))),
  );
  const kind = records[0]!.value.kind;
  return kind === 'pair'
    ? { format: 'coords', description: 'GUI-Odyssey preference records', items }
    : { format: 'gelab', description: kind === 'rl' ? 'GE-Lab RL records' : 'GE-Lab records', items };
}

function itemOf(file: string, dir: string, { value: parsed, where }: Located<Parsed>, i: number): PredictItem {
  if (parsed.kind === 'messages') {
    const r = parsed.value;
    const messages = r.messages.slice(0, -1).map((m) => ({ role: m.role, content: m.content }));
    const prompt = messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    return {
      where,
      messages,
      images: r.images.map((p) => resolveImage(p, dir)),
      record: (pred) => ({
        idx: r.idx ?? i,
        prompt,
        gt: r.messages.at(-1)!.content,
        pred,
        path: r.path,
        task: r.task,
        bbox_norm: r.bbox_norm ?? null,
        source: r.source,
        images: r.images,
      }),
    };
  }
  if (parsed.kind === 'rl') {
    const r = parsed.value;
    const images = r.image === undefined ? [] : [r.image];
    return {
      where,
      messages: [{ role: 'user', content: r.problem }],
      images: images.map((p) => resolveImage(p, dir)),
      record: (pred) => ({
        idx: r.idx ?? i,
        prompt: r.problem,
        gt: r.solution,
        pred,
        path: r.path,
        task: r.task,
        bbox_norm: r.bbox_norm ?? null,
        source: r.source,
        images,
      }),
    };
  }
  const r = parsed.value;
  if (!parseOdysseyAction(r.chosen)) {
    throw new Error(
      `${file}: ${where}: chosen: "${r.chosen.slice(0, 80)}" is not a GUI-Odyssey action; GE-Lab preference pairs carry no ` +
        'icon box to score a click against: predict on test.json (records with bbox_norm) instead',
    );
  }
  return {
    where,
    messages: [{ role: 'user', content: r.prompt }],
    images: r.images.map((p) => resolveImage(p, dir)),
    record: (pred) => ({ ...r, pred }),
  };
}

async function odysseySource(options: SourceOptions): Promise<PredictionSource> {
  const shotsDir = options.screenshots ?? (await defaultScreenshotsDir(await annotationsDir(options.data)));
  const episodes = await readOdysseyEpisodes(options.data, {
    ...(options.split ? { split: options.split, subset: options.subset ?? 'test' } : {}),
    ...(options.subset && !options.split ? { subset: options.subset } : {}),
  });
  await checkOdysseyScreenshots(episodes, shotsDir);
  const steps = [
    ...odysseyStepViews(episodes, {
      promptFormat: options.promptFormat ?? 'seed',
      imageOf: (_e, step) => path.resolve(shotsDir, step.screenshot),
    }),
  ];
  const items = steps.map(
    (s): PredictItem => ({
      where: `episode ${s.loaded.episode.episode_id} step ${s.index}`,
      messages: [{ role: 'user', content: s.prompt }],
      images: [s.image],
      record: (pred) => ({
        episode_id: s.loaded.episode.episode_id,
        step: s.index,
        category: s.loaded.episode.task_info.category,
        gt: s.answer,
        pred,
        sam2_bbox: s.raw.sam2_bbox ?? null,
        step_length: s.loaded.episode.step_length,
        prompt: s.prompt,
        images: [s.image],
      }),
    }),
  );
  const split = options.split ? `, ${options.subset ?? 'test'} split` : '';
  return { format: 'odyssey', description: `GUI-Odyssey steps of ${episodes.length} episode(s)${split}`, items };
}

/** The inputs `--out` must stay apart from. */
export function sourceInputs(options: SourceOptions): FlaggedPath[] {
  return [
    { label: '--data', path: options.data },
    ...(options.split ? [{ label: '--split', path: options.split }] : []),
    ...(options.screenshots ? [{ label: '--screenshots', path: options.screenshots }] : []),
  ];
}
