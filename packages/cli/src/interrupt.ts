/** The run was stopped with Ctrl-C; the CLI exits with 130 (128 + SIGINT), as shells expect. */
export class InterruptedError extends Error {
  readonly exitCode = 130;
  constructor() {
    super('interrupted (Ctrl-C); nothing was written');
    this.name = 'InterruptedError';
  }
}

/**
 * Runs a command's work with Ctrl-C turned into an abort of `signal`: the library stops starting
 * new work, removes its staging files and rejects, so an interrupted command leaves its outputs as
 * they were. A second Ctrl-C (the handler is removed after the first) kills the process at once.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new InterruptedError());
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
