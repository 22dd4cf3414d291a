/** Edit distance (insertions, deletions, substitutions), two-row dynamic programming. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * Whether GUI-Odyssey's action matching would accept `b` for `a` as a TYPE: either text
 * contains the other, or 1 - Levenshtein / max(len) >= 0.5. Compared case-insensitively, so
 * a rejection that fails this test is wrong under either case convention.
 */
export function typeTextMatches(a: string, b: string): boolean {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  if (x.includes(y) || y.includes(x)) return true;
  return 1 - levenshtein(x, y) / Math.max(x.length, y.length) >= 0.5;
}
