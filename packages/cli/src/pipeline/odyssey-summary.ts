/**
 * The GUI-Odyssey run's numbers per stage, as summary.json holds them: AMS and SR as the official
 * evaluator computes them (on the random split, the mean over the categories), as values in 0..1,
 * per category, with their counts and 95% Wilson intervals, and the click coordinate error.
 */
import type { OdysseyMetrics } from '@guinav/eval-env';
import { type Share, share } from './summary.js';

type Counts = { correct: number; count: number };

export interface OdysseyStageSummary {
  /** Action Matching Score: the official figure / 100 (random split: the mean of the categories' AMS). */
  ams: number | null;
  /** Success rate (every step of an episode matched): the official figure / 100. */
  sr: number | null;
  /** How the official figure combines the categories: `category-mean` on the random split, else `pooled`. */
  averaging: OdysseyMetrics['averaging'];
  amsByCategory: Record<string, number | null>;
  srByCategory: Record<string, number | null>;
  /** Mean distance (0..1000 units) between predicted and true point on the click / long-press steps; null when none parsed. */
  coordinateError: number | null;
  seconds: number;
  rewardAccuracy?: number;
  /**
   * 95% Wilson intervals under the same names. For `ams` / `sr` they are those of the pooled
   * counts (all steps, all complete episodes), which a category mean is close to on a balanced split.
   */
  ci95: {
    ams: [number, number] | null;
    sr: [number, number] | null;
    amsByCategory: Record<string, [number, number] | null>;
    srByCategory: Record<string, [number, number] | null>;
  };
  counts: { ams: Counts; sr: Counts; amsByCategory: Record<string, Counts>; srByCategory: Record<string, Counts> };
}

export interface OdysseyMeasurements {
  metrics: OdysseyMetrics;
  coordinateError: number | null;
  seconds: number;
}

const mapValues = <T, U>(r: Record<string, T>, f: (t: T) => U) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, f(v)]));

export function summarizeOdysseyStage({ metrics, coordinateError, seconds }: OdysseyMeasurements): OdysseyStageSummary {
  const categories = Object.values(metrics.byCategory);
  const sum = (f: (c: (typeof categories)[number]) => number) => categories.reduce((n, c) => n + f(c), 0);
  const ams = share(
    sum((c) => c.correct),
    sum((c) => c.steps),
  );
  const sr = share(
    sum((c) => c.successes),
    sum((c) => c.episodes),
  );
  const amsBy = mapValues(metrics.byCategory, (c) => share(c.correct, c.steps));
  const srBy = mapValues(metrics.byCategory, (c) => share(c.successes, c.episodes));
  const counts = (s: Share): Counts => ({ correct: s.correct, count: s.count });
  return {
    ams: metrics.count === 0 ? null : metrics.AMS / 100,
    sr: sr.count === 0 ? null : metrics.SR / 100,
    averaging: metrics.averaging,
    amsByCategory: mapValues(amsBy, (s) => s.value),
    srByCategory: mapValues(srBy, (s) => s.value),
    coordinateError,
    seconds,
    ci95: {
      ams: ams.ci95,
      sr: sr.ci95,
      amsByCategory: mapValues(amsBy, (s) => s.ci95),
      srByCategory: mapValues(srBy, (s) => s.ci95),
    },
    counts: {
      ams: counts(ams),
      sr: counts(sr),
      amsByCategory: mapValues(amsBy, counts),
      srByCategory: mapValues(srBy, counts),
    },
  };
}
