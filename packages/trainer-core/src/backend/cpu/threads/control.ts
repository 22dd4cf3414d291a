/**
 * Layout of the control block shared by the calling thread and the workers (an Int32Array
 * over its own SharedArrayBuffer; job arguments are f64 so pointers and f32 scalars both fit).
 */
export const CONTROL = {
  /** Bumped by the caller for every job; workers wait on it. */
  generation: 0,
  /** Workers still running the current job; the last one notifies the caller. */
  pending: 1,
  command: 2,
  fn: 3,
  argc: 4,
  /** Set by the first worker whose call threw; its message is in the error bytes. */
  failed: 5,
  run: 0,
  exit: 1,
  argsByte: 64,
  maxArgs: 32,
  errorByte: 64 + 32 * 8,
  errorBytes: 512,
  totalBytes: 64 + 32 * 8 + 512,
} as const;
