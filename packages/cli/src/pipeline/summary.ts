/**
 * The pipeline's numbers per stage (base, sft, dpo, ...), as summary.json holds them for scripts:
 * shares as values in 0..1 with their counts and 95% Wilson intervals (the default world's test
 * subtree has few tasks, so an interval says how far a figure can be trusted).
 */
import type { GelabStaticMetrics, InteractiveMetrics } from '@guinav/eval-env';

/** 95% Wilson score interval of correct / count (null when there is nothing to count). */
export function wilson95(correct: number, count: number): [number, number] | null {
  if (count === 0) return null;
  const z = 1.959963984540054;
  const p = correct / count;
  const z2 = (z * z) / count;
  const centre = (p + z2 / 2) / (1 + z2);
  const half = (z * Math.sqrt((p * (1 - p)) / count + z2 / (4 * count))) / (1 + z2);
  // At 0 or all correct the bound is exactly 0 or 1 (the formula leaves a rounding residue).
  return [correct === 0 ? 0 : Math.max(0, centre - half), correct === count ? 1 : Math.min(1, centre + half)];
}

export interface Share {
  value: number | null;
  correct: number;
  count: number;
  ci95: [number, number] | null;
}

export function share(correct: number, count: number): Share {
  return { value: count === 0 ? null : correct / count, correct, count, ci95: wilson95(correct, count) };
}

export interface StageMeasurements {
  /** In distribution: the SFT subtrees' steps in test format, click points drawn afresh. */
  idStatic: GelabStaticMetrics;
  /** Out of distribution: the test subtree. */
  oodStatic: GelabStaticMetrics;
  /** Absent when the run skips the simulator (eval.interactive false). */
  interactive?: InteractiveMetrics;
  /** Mean distance (0..1000 units) between predicted and true click on the in-distribution click steps; null when none parsed. */
  coordinateError: number | null;
  /** The same on the test subtree's click steps. */
  oodCoordinateError: number | null;
  seconds: number;
  /** DPO only: rewards/accuracies of the last logged training step. */
  rewardAccuracy?: number;
}

export interface StageSummary {
  staticStepAccuracy: number | null;
  oodStaticStepAccuracy: number | null;
  /** Task-level static accuracy on the test subtree (every step of a task right). */
  taskAccuracy: number | null;
  /** Interactive Pass@1 on the test subtree: `all` and by shortest-path length. */
  interactivePass1: Record<string, number | null>;
  coordinateError: number | null;
  oodCoordinateError: number | null;
  seconds: number;
  /** Test-subtree static accuracy by GE-Lab bucket (edge, complete, w/o) and by path length. */
  oodStaticBuckets: Record<string, number | null>;
  rewardAccuracy?: number;
  /** RL: the GRPO reward of its sampled rollouts, first and last quarter of the steps (a sum of reward functions, not a share). */
  rlReward?: { first: number; last: number };
  /** 95% Wilson intervals of the shares above, under the same names. */
  ci95: Record<string, [number, number] | null | Record<string, [number, number] | null>>;
  counts: Record<string, { correct: number; count: number } | Record<string, { correct: number; count: number }>>;
}

const acc = (a: { correct: number; count: number }) => share(a.correct, a.count);

export function summarizeStage(m: StageMeasurements): StageSummary {
  const idStep = acc(m.idStatic.overall);
  const oodStep = acc(m.oodStatic.overall);
  const task = acc(m.oodStatic.taskLevel.overall);
  const pass: Record<string, Share> = {};
  if (m.interactive) {
    pass.all = share(m.interactive.overall.solved['Pass@1'] ?? 0, m.interactive.overall.tasks);
    for (const [bucket, b] of Object.entries(m.interactive.byPathLength)) {
      if (b.tasks > 0) pass[bucket.replace('Path@', '')] = share(b.solved['Pass@1'] ?? 0, b.tasks);
    }
  }
  const buckets: Record<string, Share> = {};
  for (const [k, a] of Object.entries(m.oodStatic.buckets)) buckets[k] = acc(a);
  for (const [k, a] of Object.entries(m.oodStatic.byPathLength)) if (a.count > 0) buckets[k] = acc(a);
  const values = (r: Record<string, Share>) => Object.fromEntries(Object.entries(r).map(([k, s]) => [k, s.value]));
  const intervals = (r: Record<string, Share>) => Object.fromEntries(Object.entries(r).map(([k, s]) => [k, s.ci95]));
  const counts = (r: Record<string, Share>) =>
    Object.fromEntries(Object.entries(r).map(([k, s]) => [k, { correct: s.correct, count: s.count }]));
  return {
    staticStepAccuracy: idStep.value,
    oodStaticStepAccuracy: oodStep.value,
    taskAccuracy: task.value,
    interactivePass1: values(pass),
    coordinateError: m.coordinateError,
    oodCoordinateError: m.oodCoordinateError,
    seconds: m.seconds,
    oodStaticBuckets: values(buckets),
    ...(m.rewardAccuracy !== undefined ? { rewardAccuracy: m.rewardAccuracy } : {}),
    ci95: {
      staticStepAccuracy: idStep.ci95,
      oodStaticStepAccuracy: oodStep.ci95,
      taskAccuracy: task.ci95,
      interactivePass1: intervals(pass),
      oodStaticBuckets: intervals(buckets),
    },
    counts: {
      staticStepAccuracy: { correct: idStep.correct, count: idStep.count },
      oodStaticStepAccuracy: { correct: oodStep.correct, count: oodStep.count },
      taskAccuracy: { correct: task.correct, count: task.count },
      interactivePass1: counts(pass),
    },
  };
}
