import path from 'node:path';
import {
  type MatchVerdict,
  matchOdysseyAction,
  ODYSSEY_CATEGORIES,
  type OdysseyActionType,
  parseOdysseyAction,
} from '@guinav/data-gen';
import { z } from 'zod';
import type { Accuracy } from './accuracy.js';
import { npMean, npRound2, pyRound2 } from './py-round.js';
import { hasKey, type Located, readRecords, Sam2BboxSchema } from './records.js';

/**
 * GUI-Odyssey's AMS and SR as the official evaluator computes them (evaluate_GUIOdyssey.py:
 * `action_matching_evaluation`, `stat_result`, `check_SR`), step matching by data-gen's
 * matchOdysseyAction.
 */

/** GUI-Odyssey's splits. On `random` AMS and SR are averaged over the categories; on the others, pooled. */
export type OdysseySplit = 'random' | 'task' | 'device' | 'app';
export const ODYSSEY_SPLITS: readonly OdysseySplit[] = ['random', 'task', 'device', 'app'];

/** The six task categories (data-gen's list); the official code requires all six on the random split. */
export { ODYSSEY_CATEGORIES };

/** `[]` is what the official files hold for steps that are not clicks; null or absent: no box. */
export const Sam2Bbox = Sam2BboxSchema;

/**
 * A predictions line, one per step: `{episode_id, step, category, gt, pred, sam2_bbox?,
 * step_length?}` with `gt` and `pred` as action strings (`CLICK: (x, y)`, `SCROLL: UP`, ...).
 */
export const OdysseyStepPrediction = z.looseObject({
  episode_id: z.union([z.string(), z.number()]).transform(String),
  step: z.number().int().nonnegative().optional(),
  category: z.string(),
  gt: z.string(),
  pred: z.string(),
  sam2_bbox: Sam2Bbox.nullish(),
  step_length: z.number().int().positive().optional(),
});

/**
 * The official evaluator's records, `{question, pred, gt, more_info: {category, step_length,
 * sam2_bbox}}` (and the same with its `is_correct` / `info` added, as in the `metrics.pred` of
 * the file it leaves). As in `check_SR`, the episode is the screenshot name (`image`, `img`, or
 * the question's `<img>...</img>`) without its last `_<step>.png`.
 */
export const OdysseyPublishedPrediction = z
  .looseObject({
    question: z.string(),
    image: z.string().optional(),
    img: z.string().optional(),
    gt: z.string(),
    pred: z.string(),
    more_info: z.looseObject({
      category: z.string(),
      step_length: z.number().int().positive().optional(),
      sam2_bbox: Sam2Bbox.nullish(),
    }),
  })
  .transform((r, ctx) => {
    const image = r.img ?? r.image ?? /<img>(.*?)<\/img>/.exec(r.question)?.[1];
    if (!image) {
      ctx.addIssue({ code: 'custom', path: ['question'], message: 'has no <img>...</img> to name the episode' });
      return z.NEVER;
    }
    const name = path.basename(image);
    const cut = name.lastIndexOf('_');
    const step = Number.parseInt(name.slice(cut + 1), 10);
    return {
      ...r,
      episode_id: name.slice(0, Math.max(0, cut)),
      ...(Number.isInteger(step) ? { step } : {}),
      category: r.more_info.category,
      sam2_bbox: r.more_info.sam2_bbox,
      step_length: r.more_info.step_length,
    };
  });

export type OdysseyPrediction = z.output<typeof OdysseyStepPrediction>;

export function odysseyPredictionSchema(raw: unknown): z.ZodType<OdysseyPrediction> {
  return hasKey(raw, 'more_info') ? OdysseyPublishedPrediction : OdysseyStepPrediction;
}

/** The official evaluator leaves `{dataset, model, metrics: {info, pred: [records]}}`: its records are read from there. */
function officialResultRecords(json: unknown): unknown[] | undefined {
  const metrics = hasKey(json, 'metrics') ? (json as { metrics: unknown }).metrics : undefined;
  const pred = hasKey(metrics, 'pred') ? (metrics as { pred: unknown }).pred : undefined;
  return Array.isArray(pred) ? pred : undefined;
}

export interface OdysseyCategoryMetrics {
  AMS: number;
  SR: number;
  steps: number;
  /** Steps matched (AMS = correct / steps). */
  correct: number;
  /** Episodes counted for SR (those with all their steps present). */
  episodes: number;
  /** Of those, the episodes with every step matched (SR = successes / episodes). */
  successes: number;
}

export interface OdysseyMetrics {
  split: OdysseySplit;
  averaging: 'category-mean' | 'pooled';
  /** Action Matching Score: share of correct steps, percent (on `random`, the mean over categories). */
  AMS: number;
  /** Success rate: share of episodes with every step correct, percent (on `random`, the mean over categories). */
  SR: number;
  count: number;
  episodes: number;
  /** Episodes left out of SR because the file lacks some of their steps (as published). */
  incompleteEpisodes: number;
  byCategory: Record<string, OdysseyCategoryMetrics>;
  /** Steps whose verdict is not `action_fail` (the official definition: invalid steps count as right). */
  actionType: Accuracy;
  /** Steps whose action matched a TYPE ground truth, and of those the ones whose text matched. */
  text: Accuracy;
  byActionType: Partial<Record<OdysseyActionType, Accuracy>>;
  /** Steps the official code scores `invalid` (Python raised on the prediction or the box). */
  invalid: number;
  /** Where guinav's figures need a word: categories missing on the random split, ground truths that can never match. */
  warnings: string[];
}

interface ScoredStep {
  episode: string;
  category: string;
  gtType: OdysseyActionType;
  correct: boolean;
  verdict: MatchVerdict;
  stepLength?: number;
}

/** Validates the ground truth (a bad one is bad input: an error naming the record) and matches the step. */
export function scoreOdysseyStep(
  record: { gt: string; pred: string; sam2_bbox?: readonly number[] | null },
  where: string,
  file: string,
): { gtType: OdysseyActionType; correct: boolean; verdict: MatchVerdict } {
  const gt = parseOdysseyAction(record.gt);
  if (!gt) throw new Error(`${file}: ${where}: gt: "${record.gt}" is not a GUI-Odyssey action string`);
  const { correct, verdict } = matchOdysseyAction(record.gt, record.pred, record.sam2_bbox ?? null);
  return { gtType: gt.type, correct, verdict };
}

export function scoreOdysseyRecords(
  records: readonly Located<OdysseyPrediction>[],
  split: OdysseySplit,
  file = 'predictions',
): OdysseyMetrics {
  const warnings: string[] = [];
  const steps: ScoredStep[] = records.map(({ value: r, where }) => {
    const scored = scoreOdysseyStep(r, where, file);
    if ((scored.gtType === 'CLICK' || scored.gtType === 'LONG_PRESS') && r.sam2_bbox?.length === 0) {
      const step = r.step === undefined ? '' : `, step ${r.step}`;
      warnings.push(
        `${where} (episode ${r.episode_id}${step}): the ground truth ${scored.gtType} has an empty sam2_bbox; ` +
          'the official evaluator raises on it, so the step is scored invalid',
      );
    }
    const step: ScoredStep = { episode: r.episode_id, category: r.category, ...scored };
    if (r.step_length !== undefined) step.stepLength = r.step_length;
    return step;
  });
  // In order of first appearance, as the official code collects them (np.mean adds them in that order).
  const categories = [...new Set(steps.map((s) => s.category))];
  const byCategory: Record<string, OdysseyCategoryMetrics> = {};
  for (const category of categories) byCategory[category] = amsAndSr(steps.filter((s) => s.category === category));
  const averaging = split === 'random' ? 'category-mean' : 'pooled';
  if (averaging === 'category-mean') warnings.push(...categoryWarnings(categories));
  const perCategory = Object.values(byCategory);
  const pooled = amsAndSr(steps);
  const typed = steps.filter((s) => s.verdict.startsWith('type_'));
  const byActionType: Partial<Record<OdysseyActionType, Accuracy>> = {};
  for (const type of [...new Set(steps.map((s) => s.gtType))].sort()) {
    byActionType[type] = share(steps.filter((s) => s.gtType === type).map((s) => s.correct));
  }
  return {
    split,
    averaging,
    AMS: averaging === 'category-mean' ? npRound2(npMean(perCategory.map((m) => m.AMS))) : pooled.AMS,
    SR: averaging === 'category-mean' ? npRound2(npMean(perCategory.map((m) => m.SR))) : pooled.SR,
    count: steps.length,
    episodes: new Set(steps.map((s) => s.episode)).size,
    incompleteEpisodes: episodesOf(steps).filter((e) => !e.complete).length,
    byCategory,
    actionType: share(steps.map((s) => s.verdict !== 'action_fail')),
    text: share(typed.map((s) => s.verdict === 'type_correct')),
    byActionType,
    invalid: steps.filter((s) => s.verdict === 'invalid').length,
    warnings,
  };
}

export async function scoreOdysseyFile(file: string, split: OdysseySplit): Promise<OdysseyMetrics> {
  return scoreOdysseyRecords(await readRecords(file, odysseyPredictionSchema, officialResultRecords), split, file);
}

/** A count of true flags and its percentage, rounded like Python's `round(x, 2)` / `'{:.2f}'`. */
function share(flags: readonly boolean[]): Accuracy {
  const correct = flags.filter(Boolean).length;
  return { count: flags.length, correct, accuracy: flags.length ? pyRound2((correct / flags.length) * 100) : null };
}

/** The official code asserts exactly six categories on the random split; guinav averages over those present and says so. */
function categoryWarnings(categories: readonly string[]): string[] {
  if (categories.length === ODYSSEY_CATEGORIES.length) return [];
  const missing = ODYSSEY_CATEGORIES.filter((c) => !categories.includes(c));
  return [
    `random split: AMS and SR are means over the ${categories.length} categories present ` +
      `(${categories.join(', ')}); the official evaluator requires all 6 and stops otherwise` +
      (missing.length ? ` (missing: ${missing.join(', ')})` : ''),
  ];
}

/**
 * AMS = round(correct / steps * 100, 2); SR as `check_SR`: over the episodes whose records are
 * all present, round(successes / episodes * 100, 2), and 0 when no episode is complete.
 */
function amsAndSr(steps: readonly ScoredStep[]): OdysseyCategoryMetrics {
  const scored = episodesOf(steps).filter((e) => e.complete);
  const successes = scored.filter((e) => e.allCorrect).length;
  const correct = steps.filter((s) => s.correct).length;
  return {
    AMS: pyRound2((correct / steps.length) * 100),
    SR: scored.length ? pyRound2((successes / scored.length) * 100) : 0,
    steps: steps.length,
    correct,
    episodes: scored.length,
    successes,
  };
}

/**
 * Steps grouped by episode. An episode with a `step_length` but a different number of steps in
 * the file is incomplete and, as in the official evaluator, left out of SR.
 */
function episodesOf(steps: readonly ScoredStep[]): { complete: boolean; allCorrect: boolean }[] {
  const groups = new Map<string, ScoredStep[]>();
  for (const s of steps) {
    const group = groups.get(s.episode);
    if (group) group.push(s);
    else groups.set(s.episode, [s]);
  }
  return [...groups.values()].map((group) => {
    const declared = group[0]?.stepLength;
    return {
      complete: declared === undefined || declared === group.length,
      allCorrect: group.every((s) => s.correct),
    };
  });
}
