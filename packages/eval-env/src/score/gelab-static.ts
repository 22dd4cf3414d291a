import { GELAB_COMPLETE_TEXT, type NormBbox, stripThinking } from '@guinav/data-gen';
import { z } from 'zod';
import { type Accuracy, accuracy } from './accuracy.js';
import { hasKey, type Located, NormBboxSchema, readRecords } from './records.js';

/**
 * GE-Lab's static (step-level) scorer, exactly as published (calculate_score_refine.py). The
 * rules are applied with the PUBLISHED regexes to the raw text on purpose: these are scoring
 * rules, not the output grammar, and matching them keeps numbers comparable with the paper.
 * - Only the text after the last `</think>` counts.
 * - `complete` anywhere in both the ground truth and the prediction: correct. (A plain substring
 *   test, as published: a ground-truth click on an icon whose name contains "complete" is also
 *   scored correct by a prediction that says complete.)
 * - Otherwise correct iff the icon named by `click\s+(.*?)\s+icon` (trimmed) is identical in both
 *   AND the FIRST `\((\d+),(\d+)\)` of the prediction (no spaces allowed) lies inside `bbox_norm`,
 *   edges included.
 * Records whose task is `caption`/`captioning` or `grounding` (icon captioning/grounding) are kept
 * out of the navigation figures and reported apart, as published.
 */

const ICON = /click\s+(.*?)\s+icon/;
const POINT = /\((\d+),(\d+)\)/;
/** The published scorer also accepts the lower-case spelling some converters wrote. */
const COMPLETE_ANSWERS = new Set([GELAB_COMPLETE_TEXT, GELAB_COMPLETE_TEXT.replace(/^E/, 'e')]);
/** Icon captioning/grounding task names: the published scorer's and data-gen's. */
const ICON_TASKS: ReadonlyMap<string, 'captioning' | 'grounding'> = new Map([
  ['caption', 'captioning'],
  ['captioning', 'captioning'],
  ['grounding', 'grounding'],
]);

/** The published step score: 1 or 0. `bboxNorm` is only read when both sides name an icon. */
export function gelabStepCorrect(gt: string, pred: string, bboxNorm: NormBbox | null): boolean {
  const answer = stripThinking(pred);
  if (gt.includes('complete') && answer.includes('complete')) return true;
  const gtIcon = ICON.exec(gt)?.[1]?.trim();
  const predIcon = ICON.exec(answer)?.[1]?.trim();
  if (gtIcon === undefined || predIcon === undefined) return false;
  const point = POINT.exec(answer);
  if (!point || !bboxNorm) return false;
  const x = Number(point[1]);
  const y = Number(point[2]);
  const [x1, y1, x2, y2] = bboxNorm;
  return x >= x1 && x <= x2 && y >= y1 && y <= y2 && gtIcon === predIcon;
}

const Bbox = NormBboxSchema;
const Content = z.union([
  z.string(),
  z
    .array(z.looseObject({ type: z.string(), text: z.string().optional() }))
    .transform((parts) => parts.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('')),
]);
const Common = {
  idx: z.number().int().optional(),
  /** Required for navigation records; icon captioning/grounding records have none. */
  path: z.number().int().nonnegative().optional(),
  task: z.string(),
  bbox_norm: Bbox.nullish(),
};

/** The layout of the issue: `{idx, prompt, gt, pred, path, task, bbox_norm}` (test.json fields plus `pred`). */
export const GelabFlatPrediction = z.looseObject({ ...Common, prompt: z.string(), gt: z.string(), pred: z.string() });

/**
 * A test.json record as it is (`messages` = [user, assistant]) with `pred` or `prediction` added,
 * as the published inference scripts write it.
 */
export const GelabMessagesPrediction = z
  .looseObject({
    ...Common,
    messages: z.array(z.looseObject({ role: z.string(), content: Content })).min(2),
    pred: z.string().optional(),
    prediction: z.string().optional(),
  })
  .refine((r) => r.pred !== undefined || r.prediction !== undefined, {
    message: 'needs "pred" or "prediction"',
    path: ['pred'],
  })
  .transform((r) => ({
    ...r,
    prompt: r.messages.find((m) => m.role === 'user')?.content ?? '',
    gt: r.messages.find((m) => m.role === 'assistant')?.content ?? '',
    pred: (r.pred ?? r.prediction) as string,
  }));

export type GelabPrediction = z.output<typeof GelabFlatPrediction>;

/** Records with `messages` are test.json records; the others use the flat layout. */
export function gelabPredictionSchema(raw: unknown): z.ZodType<GelabPrediction> {
  return hasKey(raw, 'messages') ? GelabMessagesPrediction : GelabFlatPrediction;
}

export interface GelabStaticMetrics {
  /** Navigation steps scored (icon captioning/grounding records excluded). */
  count: number;
  overall: Accuracy;
  /** `edge`: first steps (prompt contains `Null`); `complete`: the complete steps; `w/o`: the rest. */
  buckets: { edge: Accuracy; complete: Accuracy; 'w/o': Accuracy };
  /** Step accuracy by the task's shortest-path length: `Path@1` .. `Path@7` (+ any other present). */
  byPathLength: Record<string, Accuracy>;
  /** A task (path, task name) is correct iff it has all `path + 1` steps and every one is correct. */
  taskLevel: {
    overall: Accuracy;
    byPathLength: Record<string, Accuracy>;
    /** Tasks whose number of records is not `path + 1` (scored wrong; a truncated predictions file?). */
    incomplete: number;
  };
  /** Only when the file has them: icon captioning / grounding records, scored by the same rule. */
  iconTasks?: { captioning: Accuracy; grounding: Accuracy };
}

export function scoreGelabRecords(
  records: readonly Located<GelabPrediction>[],
  file = 'predictions',
): GelabStaticMetrics {
  const overall = tally();
  const buckets = { edge: tally(), complete: tally(), 'w/o': tally() };
  const byLength = new Map<number, Tally>();
  const tasks = new Map<string, { path: number; steps: number; correct: number }>();
  const icon = { captioning: tally(), grounding: tally() };
  for (const { value: r, where } of records) {
    if (r.bbox_norm == null && ICON.test(r.gt) && !r.gt.includes('complete')) {
      throw new Error(`${file}: ${where}: bbox_norm: the ground truth is a click, so its box is needed`);
    }
    const correct = gelabStepCorrect(r.gt, r.pred, r.bbox_norm ?? null);
    const iconTask = ICON_TASKS.get(r.task.toLowerCase());
    if (iconTask) {
      add(icon[iconTask], correct);
      continue;
    }
    if (r.path === undefined) throw new Error(`${file}: ${where}: path: a navigation record needs its path length`);
    add(overall, correct);
    const isComplete = COMPLETE_ANSWERS.has(r.gt);
    const isEdge = r.prompt.includes('Null');
    if (isComplete) add(buckets.complete, correct);
    if (isEdge) add(buckets.edge, correct);
    if (!isComplete && !isEdge) add(buckets['w/o'], correct);
    const pathLength = r.path;
    add(lengthTally(byLength, pathLength), correct);
    const key = JSON.stringify([pathLength, r.task]);
    const task = tasks.get(key) ?? { path: pathLength, steps: 0, correct: 0 };
    task.steps++;
    if (correct) task.correct++;
    tasks.set(key, task);
  }

  const taskOverall = tally();
  const taskByLength = new Map<number, Tally>();
  let incomplete = 0;
  for (const task of tasks.values()) {
    if (task.steps !== task.path + 1) incomplete++;
    const ok = task.steps === task.path + 1 && task.correct === task.steps;
    add(taskOverall, ok);
    add(lengthTally(taskByLength, task.path), ok);
  }
  const metrics: GelabStaticMetrics = {
    count: overall.count,
    overall: accuracy(overall),
    buckets: { edge: accuracy(buckets.edge), complete: accuracy(buckets.complete), 'w/o': accuracy(buckets['w/o']) },
    byPathLength: byPathLength(byLength),
    taskLevel: { overall: accuracy(taskOverall), byPathLength: byPathLength(taskByLength), incomplete },
  };
  if (icon.captioning.count + icon.grounding.count > 0) {
    metrics.iconTasks = { captioning: accuracy(icon.captioning), grounding: accuracy(icon.grounding) };
  }
  return metrics;
}

export async function scoreGelabFile(file: string): Promise<GelabStaticMetrics> {
  return scoreGelabRecords(await readRecords(file, gelabPredictionSchema), file);
}

interface Tally {
  count: number;
  correct: number;
}

function tally(): Tally {
  return { count: 0, correct: 0 };
}

function add(t: Tally, correct: boolean): void {
  t.count++;
  if (correct) t.correct++;
}

function lengthTally(map: Map<number, Tally>, length: number): Tally {
  let t = map.get(length);
  if (!t) {
    t = tally();
    map.set(length, t);
  }
  return t;
}

/** `Path@1`..`Path@7` always (GE-Lab's buckets), then any other length present, in order. */
function byPathLength(map: ReadonlyMap<number, Tally>): Record<string, Accuracy> {
  const lengths = [...new Set([1, 2, 3, 4, 5, 6, 7, ...map.keys()])].sort((a, b) => a - b);
  return Object.fromEntries(lengths.map((l) => [`Path@${l}`, accuracy(map.get(l) ?? tally())]));
}
