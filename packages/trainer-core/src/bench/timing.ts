/** Timing as the PyTorch peer does it: warm up, then the median of `reps` timed runs. */

export interface TimingOptions {
  reps: number;
  /** Untimed runs first (V8 tiers WebAssembly up from its baseline compiler during these). */
  warmup: number;
  /** Keep warming up until this much time has passed, so short kernels reach the optimising tier. */
  minWarmupMs?: number;
  /** The clock, in ms (default performance.now; tests pass a fake one). */
  now?: () => number;
}

/** Median wall time in ms of `fn` over `reps` runs after the warm-up. */
export function medianMs(
  fn: () => void,
  { reps, warmup, minWarmupMs = 0, now = () => performance.now() }: TimingOptions,
): number {
  if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`reps must be an integer >= 1, got ${reps}`);
  const warmStart = now();
  for (let i = 0; i < warmup || (now() - warmStart < minWarmupMs && i < 200); i++) fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = now();
    fn();
    times.push(now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
