import path from 'node:path';
import {
  type MatchVerdict,
  matchOdysseyStep,
  type NormBbox,
  type OdysseyAction,
  type OdysseyActionType,
  parseOdysseyAction,
} from '@guinav/data-gen';
import { z } from 'zod';
import { type Accuracy, accuracy, percent } from './accuracy.js';
import { hasKey, type Located, NormBboxSchema, readRecords } from './records.js';

/** GUI-Odyssey's splits. On `random` AMS and SR are averaged over the categories; on the others, pooled. */
export type OdysseySplit = 'random' | 'task' | 'device' | 'app';
export const ODYSSEY_SPLITS: readonly OdysseySplit[] = ['random', 'task', 'device', 'app'];

const Bbox = NormBboxSchema;

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
  sam2_bbox: Bbox.nullish(),
  step_length: z.number().int().positive().optional(),
});

/**
 * The published evaluator's own output records, `{question, pred, gt, more_info: {category,
 * step_length, sam2_bbox}}`; the episode comes from the screenshot name in the question.
 */
export const OdysseyPublishedPrediction = z
  .looseObject({
    question: z.string(),
    gt: z.string(),
    pred: z.string(),
    more_info: z.looseObject({
      category: z.string(),
      step_length: z.number().int().positive().optional(),
      sam2_bbox: Bbox.nullish(),
    }),
  })
  .transform((r, ctx) => {
    const image = /<img>(.*?)<\/img>/.exec(r.question)?.[1];
    if (!image) {
      ctx.addIssue({ code: 'custom', path: ['question'], message: 'has no <img>...</img> to name the episode' });
      return z.NEVER;
    }
    const name = path.basename(image);
    return {
      ...r,
      // Screenshots are named `<episode>_<step>.png`.
      episode_id: name.slice(0, Math.max(0, name.lastIndexOf('_'))),
      category: r.more_info.category,
      sam2_bbox: r.more_info.sam2_bbox,
      step_length: r.more_info.step_length,
    };
  });

export type OdysseyPrediction = z.output<typeof OdysseyStepPrediction>;

export function odysseyPredictionSchema(raw: unknown): z.ZodType<OdysseyPrediction> {
  return hasKey(raw, 'more_info') ? OdysseyPublishedPrediction : OdysseyStepPrediction;
}

export interface OdysseyCategoryMetrics {
  AMS: number | null;
  SR: number | null;
  steps: number;
  /** Episodes counted for SR (those with all their steps present). */
  episodes: number;
}

export interface OdysseyMetrics {
  split: OdysseySplit;
  averaging: 'category-mean' | 'pooled';
  /** Action Matching Score: share of correct steps, percent. */
  AMS: number | null;
  /** Success rate: share of episodes with every step correct, percent. */
  SR: number | null;
  count: number;
  episodes: number;
  /** Episodes left out of SR because the file lacks some of their steps (as published). */
  incompleteEpisodes: number;
  byCategory: Record<string, OdysseyCategoryMetrics>;
  /** Steps whose predicted action type was right. */
  actionType: Accuracy;
  /** TYPE steps whose text matched. */
  text: Accuracy;
  byActionType: Partial<Record<OdysseyActionType, Accuracy>>;
  unparseable: number;
}

interface ScoredStep {
  episode: string;
  category: string;
  gtType: OdysseyActionType;
  correct: boolean;
  verdict: MatchVerdict;
  stepLength?: number;
}

/** Parses the ground truth (bad ground truth is bad input: an error naming the line) and matches the step. */
export function scoreOdysseyStep(
  record: { gt: string; pred: string; sam2_bbox?: NormBbox | null },
  where: string,
  file: string,
): { gt: OdysseyAction; correct: boolean; verdict: MatchVerdict } {
  const gt = parseOdysseyAction(record.gt);
  if (!gt) throw new Error(`${file}: ${where}: gt: "${record.gt}" is not a GUI-Odyssey action string`);
  return { gt, ...matchOdysseyStep(gt, parseOdysseyAction(record.pred), record.sam2_bbox ?? null) };
}

export function scoreOdysseyRecords(
  records: readonly Located<OdysseyPrediction>[],
  split: OdysseySplit,
  file = 'predictions',
): OdysseyMetrics {
  const steps: ScoredStep[] = records.map(({ value: r, where }) => {
    const { gt, correct, verdict } = scoreOdysseyStep(r, where, file);
    const step: ScoredStep = { episode: r.episode_id, category: r.category, gtType: gt.type, correct, verdict };
    if (r.step_length !== undefined) step.stepLength = r.step_length;
    return step;
  });
  const categories = [...new Set(steps.map((s) => s.category))].sort();
  const byCategory: Record<string, OdysseyCategoryMetrics> = {};
  for (const category of categories) byCategory[category] = amsAndSr(steps.filter((s) => s.category === category));
  const pooled = amsAndSr(steps);
  const averaging = split === 'random' ? 'category-mean' : 'pooled';
  const mean = (pick: (m: OdysseyCategoryMetrics) => number | null) => {
    const values = categories.map((c) => pick(byCategory[c] as OdysseyCategoryMetrics)).filter((v) => v !== null);
    return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null;
  };
  const typeTally = {
    count: steps.length,
    correct: steps.filter((s) => s.verdict !== 'action_fail' && s.verdict !== 'invalid').length,
  };
  const typed = steps.filter((s) => s.verdict.startsWith('type_'));
  const byActionType: Partial<Record<OdysseyActionType, Accuracy>> = {};
  for (const type of [...new Set(steps.map((s) => s.gtType))].sort()) {
    const of = steps.filter((s) => s.gtType === type);
    byActionType[type] = accuracy({ count: of.length, correct: of.filter((s) => s.correct).length });
  }
  return {
    split,
    averaging,
    AMS: averaging === 'category-mean' ? mean((m) => m.AMS) : pooled.AMS,
    SR: averaging === 'category-mean' ? mean((m) => m.SR) : pooled.SR,
    count: steps.length,
    episodes: new Set(steps.map((s) => s.episode)).size,
    incompleteEpisodes: episodesOf(steps).filter((e) => !e.complete).length,
    byCategory,
    actionType: accuracy(typeTally),
    text: accuracy({ count: typed.length, correct: typed.filter((s) => s.correct).length }),
    byActionType,
    unparseable: steps.filter((s) => s.verdict === 'invalid').length,
  };
}

export async function scoreOdysseyFile(file: string, split: OdysseySplit): Promise<OdysseyMetrics> {
  return scoreOdysseyRecords(await readRecords(file, odysseyPredictionSchema), split, file);
}

function amsAndSr(steps: readonly ScoredStep[]): OdysseyCategoryMetrics {
  const scored = episodesOf(steps).filter((e) => e.complete);
  return {
    AMS: percent(steps.filter((s) => s.correct).length, steps.length),
    SR: percent(scored.filter((e) => e.allCorrect).length, scored.length),
    steps: steps.length,
    episodes: scored.length,
  };
}

/**
 * Steps grouped by episode. An episode with a `step_length` but a different number of steps in
 * the file is incomplete and, as in the published evaluator, left out of SR.
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
