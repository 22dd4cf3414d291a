/** A share in percent with two decimals, as the papers report it; null when there is nothing to count. */
export function percent(count: number, total: number): number | null {
  return total === 0 ? null : Math.round((count / total) * 10_000) / 100;
}
