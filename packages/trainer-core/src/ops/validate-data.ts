/**
 * Data checks for ids, labels and positions. Kernels trust their inputs (an out-of-range id
 * reads zeros, an out-of-range label counts nowhere) because a device cannot stop to report a
 * bad value without a readback. So the values are checked where they are made, on the host: data
 * loaders call these on the arrays they build, and with debug checks on (`setDebugChecks(true)`
 * or GUINAV_DEBUG_CHECKS=1) the ops check tensors too, on backends the host can read directly.
 */
import type { Tensor } from '../tensor/tensor.js';

let debugChecks = typeof process !== 'undefined' && process.env.GUINAV_DEBUG_CHECKS === '1';

/** Turns the ops' data checks on or off (off by default: they read tensors on the host). */
export function setDebugChecks(on: boolean): void {
  debugChecks = on;
}

export function debugChecksEnabled(): boolean {
  return debugChecks;
}

/** The i32 values of `t` when debug checks are on and its backend can be read synchronously. */
export function debugInts(t: Tensor | undefined): Int32Array | undefined {
  if (!debugChecks || !t || t.dtype !== 'i32' || !t.backend.downloadSync) return undefined;
  return t.dataSync() as Int32Array;
}

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
  what = 'crossEntropy',
): void {
  for (let r = 0; r < labels.length; r++) {
    const label = labels[r]!;
    if (label === ignoreIndex || (mask && mask[r] === 0)) continue;
    if (label < 0 || label >= vocab) {
      throw new RangeError(
        `${what}: label ${label} at row ${r} is outside [0, ${vocab}) and is not the ignore index ${ignoreIndex}`,
      );
    }
  }
}

/** Positions are non-negative (RoPE tables and KV caches start at 0). */
export function checkPositions(positions: Int32Array, what = 'rope'): void {
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    if (p < 0) throw new RangeError(`${what}: position ${p} at index ${i} is negative`);
  }
}
