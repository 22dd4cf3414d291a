/**
 * Data checks that kernels run before allocating their outputs, so bad ids, labels or positions
 * fail with a clear error and leave nothing allocated.
 */

/** Every index in [0, n). */
export function checkIndices(idx: Int32Array, n: number, what: string): void {
  for (let m = 0; m < idx.length; m++) {
    const j = idx[m]!;
    if (j < 0 || j >= n) throw new RangeError(`${what}: index ${j} at position ${m} is outside [0, ${n})`);
  }
}

/** Every counted label (not ignoreIndex, mask non-zero) in [0, vocab). */
export function checkLabels(
  labels: Int32Array,
  mask: ArrayLike<number> | undefined,
  vocab: number,
  ignoreIndex: number,
): void {
  for (let r = 0; r < labels.length; r++) {
    const label = labels[r]!;
    if (label === ignoreIndex || (mask && mask[r] === 0)) continue;
    if (label < 0 || label >= vocab) {
      throw new RangeError(
        `CrossEntropy: label ${label} at row ${r} is outside [0, ${vocab}) and is not the ignore index ${ignoreIndex}`,
      );
    }
  }
}

/** Positions are non-negative. */
export function checkPositions(positions: Int32Array): void {
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    if (p < 0) throw new RangeError(`Rope: position ${p} at index ${i} is negative`);
  }
}
