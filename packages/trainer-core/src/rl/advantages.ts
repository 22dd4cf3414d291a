/**
 * Group-relative advantages, as TRL's and ms-swift's GRPO trainers compute them: the rewards of a
 * prompt's G completions (consecutive) minus the group mean, divided by the group's standard
 * deviation (unbiased, torch's default) + 1e-4 when rewards are scaled. A group whose completions
 * all score the same gets advantage 0 everywhere.
 */

/** TRL's and ms-swift's constant in `advantages / (std + 1e-4)`. */
export const ADVANTAGE_EPS = 1e-4;

export interface GroupStats {
  /** Per completion. */
  advantages: Float64Array;
  /** Mean reward over every completion (TRL's `reward`). */
  mean: number;
  /** Mean over groups of the group's reward std (TRL's `reward_std`). */
  meanGroupStd: number;
}

function groupMoments(rewards: readonly number[], from: number, size: number): { mean: number; std: number } {
  let sum = 0;
  for (let i = from; i < from + size; i++) sum += rewards[i]!;
  const mean = sum / size;
  let squares = 0;
  for (let i = from; i < from + size; i++) squares += (rewards[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(squares / (size - 1)) };
}

export function groupAdvantages(rewards: readonly number[], groupSize: number, scale = true): GroupStats {
  if (!Number.isInteger(groupSize) || groupSize < 2) {
    throw new RangeError(`groupAdvantages: a group needs at least 2 completions, got ${groupSize}`);
  }
  if (rewards.length === 0 || rewards.length % groupSize !== 0) {
    throw new RangeError(`groupAdvantages: ${rewards.length} rewards are not whole groups of ${groupSize}`);
  }
  const advantages = new Float64Array(rewards.length);
  let total = 0;
  let stds = 0;
  const groups = rewards.length / groupSize;
  for (let g = 0; g < groups; g++) {
    const from = g * groupSize;
    const { mean, std } = groupMoments(rewards, from, groupSize);
    total += mean;
    stds += std;
    for (let i = from; i < from + groupSize; i++) {
      const a = rewards[i]! - mean;
      advantages[i] = scale ? a / (std + ADVANTAGE_EPS) : a;
    }
  }
  return { advantages, mean: total / groups, meanGroupStd: stds / groups };
}
