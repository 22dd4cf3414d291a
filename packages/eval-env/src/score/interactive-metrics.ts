import type { ObservationMode } from '@guinav/data-gen';
import type { EndReason, StepOutcome, SuccessVariant } from '../sim/episode.js';
import { percent } from './accuracy.js';

/** The run's settings, repeated in metrics.json so a result file explains itself. */
export interface InteractiveSettings {
  tasks: number;
  attempts: number;
  agent: string;
  variant: SuccessVariant;
  observation: ObservationMode;
  maxSteps: number;
  seed: number;
}

/**
 * Pass@j for j = 1..attempts: the share of tasks solved in ANY of their first j attempts
 * (GE-Lab's definition), in percent, with the counts behind it.
 */
export type PassBucket = {
  tasks: number;
  /** Tasks solved within the first j attempts, by `Pass@j`. */
  solved: Record<string, number>;
} & { [passAt: `Pass@${number}`]: number | null };

export interface InteractiveMetrics {
  settings: InteractiveSettings;
  episodes: number;
  overall: PassBucket;
  /** `Path@1` .. `Path@7` always (GE-Lab's buckets by shortest-path length), plus any longer length present. */
  byPathLength: Record<string, PassBucket>;
  /** How every step of every episode ended, e.g. how many clicks missed. */
  stepOutcomes: Record<StepOutcome, number>;
  endReasons: Record<EndReason, number>;
}

/** What the metrics need of an episode. */
export interface ScoredEpisode {
  taskIndex: number;
  attempt: number;
  pathLength: number;
  success: boolean;
  endReason?: EndReason;
  steps: readonly { outcome: StepOutcome }[];
}

const PUBLISHED_PATH_LENGTHS = [1, 2, 3, 4, 5, 6, 7];

export function interactiveMetrics(
  episodes: readonly ScoredEpisode[],
  settings: InteractiveSettings,
): InteractiveMetrics {
  // First successful attempt per task (Infinity = never), and each task's path length.
  const firstSuccess = new Map<number, number>();
  const lengthOf = new Map<number, number>();
  for (const e of episodes) {
    lengthOf.set(e.taskIndex, e.pathLength);
    const best = firstSuccess.get(e.taskIndex) ?? Number.POSITIVE_INFINITY;
    firstSuccess.set(e.taskIndex, e.success ? Math.min(best, e.attempt) : best);
  }
  const lengths = [...new Set([...PUBLISHED_PATH_LENGTHS, ...lengthOf.values()])].sort((a, b) => a - b);
  const byPathLength: Record<string, PassBucket> = {};
  for (const length of lengths) {
    const tasks = [...lengthOf].filter(([, l]) => l === length).map(([task]) => task);
    byPathLength[`Path@${length}`] = passBucket(tasks, firstSuccess, settings.attempts);
  }
  return {
    settings,
    episodes: episodes.length,
    overall: passBucket([...lengthOf.keys()], firstSuccess, settings.attempts),
    byPathLength,
    stepOutcomes: countSteps(episodes),
    endReasons: countEnds(episodes),
  };
}

function passBucket(tasks: readonly number[], firstSuccess: ReadonlyMap<number, number>, attempts: number): PassBucket {
  const bucket: PassBucket = { tasks: tasks.length, solved: {} };
  for (let j = 1; j <= attempts; j++) {
    const solved = tasks.filter((t) => (firstSuccess.get(t) ?? Number.POSITIVE_INFINITY) < j).length;
    bucket.solved[`Pass@${j}`] = solved;
    bucket[`Pass@${j}`] = percent(solved, tasks.length);
  }
  return bucket;
}

function countSteps(episodes: readonly ScoredEpisode[]): Record<StepOutcome, number> {
  const counts: Record<StepOutcome, number> = {
    moved: 0,
    'no-transition': 0,
    miss: 0,
    unparseable: 0,
    complete: 0,
    'agent-error': 0,
  };
  for (const e of episodes) for (const s of e.steps) counts[s.outcome]++;
  return counts;
}

function countEnds(episodes: readonly ScoredEpisode[]): Record<EndReason, number> {
  const counts: Record<EndReason, number> = { complete: 0, 'target-reached': 0, 'step-limit': 0 };
  for (const e of episodes) if (e.endReason) counts[e.endReason]++;
  return counts;
}
