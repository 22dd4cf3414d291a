/** A share in percent with two decimals, as the papers report it; null when there is nothing to count. */
export function percent(count: number, total: number): number | null {
  return total === 0 ? null : Math.round((count / total) * 10_000) / 100;
}

/** A correct / total count and its percentage. */
export interface Accuracy {
  count: number;
  correct: number;
  /** Percent, two decimals; null when count is 0. */
  accuracy: number | null;
}

export function accuracy(t: { count: number; correct: number }): Accuracy {
  return { count: t.count, correct: t.correct, accuracy: percent(t.correct, t.count) };
}
