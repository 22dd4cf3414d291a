/** Walking strided views row by row, so inner loops stay tight and free of index math. */
import { collapseDims } from '../../../tensor/shape.js';

/**
 * Calls `row(offsets, n, innerStrides)` once per innermost row of `shape`, where offsets[k] is
 * operand k's element offset at the row start (the array is reused: read it, do not keep it).
 * Dimensions are collapsed first, so contiguous operands give one long row.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  row: (offsets: number[], n: number, innerStrides: number[]) => void,
): void {
  const c = collapseDims(shape, strides);
  const rank = c.shape.length;
  const k = strides.length;
  const n = c.shape[rank - 1]!;
  const inner = c.strides.map((s) => s[rank - 1]!);
  const offsets = new Array<number>(k).fill(0);
  let outer = 1;
  for (let d = 0; d < rank - 1; d++) outer *= c.shape[d]!;
  if (n === 0 || outer === 0) return;
  const idx = new Array<number>(rank).fill(0);
  for (let r = 0; r < outer; r++) {
    row(offsets, n, inner);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) offsets[j]! += c.strides[j]![d]!;
      if (idx[d]! < c.shape[d]!) break;
      for (let j = 0; j < k; j++) offsets[j]! -= c.strides[j]![d]! * c.shape[d]!;
      idx[d] = 0;
    }
  }
}
