/** A tensor seen as rows of its last axis (norms, softmax, cross-entropy). */
export function lastAxisRows(shape: readonly number[]): { rows: number; n: number } {
  const n = shape[shape.length - 1] ?? 1;
  let rows = 1;
  for (let i = 0; i < shape.length - 1; i++) rows *= shape[i]!;
  return { rows, n };
}
