import { removeStagingNow } from '@guinav/data-gen';

/** The signals that stop a command, with the exit status shells expect (128 + signal number). */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/** The run was stopped with Ctrl-C (SIGINT) or SIGTERM; the CLI exits with 130 or 143. */
export class InterruptedError extends Error {
  readonly exitCode: number;
  /** `kept`: what the command leaves behind (default: nothing was written). */
  constructor(
    readonly signal: StopSignal = 'SIGINT',
    kept = 'nothing was written',
  ) {
    super(`interrupted (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}); ${kept}`);
    this.name = 'InterruptedError';
    this.exitCode = STOP_SIGNALS[signal];
  }
}

/**
 * Runs a command's work with Ctrl-C and SIGTERM turned into an abort of `signal`: the library
 * stops starting new work, removes its staging files and rejects, so an interrupted command leaves
 * its outputs as they were. A second signal (an impatient Ctrl-C) does not wait for that: it
 * removes this process's staging files at once and exits, again leaving the old outputs.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handlers = Object.fromEntries(
    (Object.keys(STOP_SIGNALS) as StopSignal[]).map((name) => [name, () => onSignal(name)]),
  ) as Record<StopSignal, () => void>;
  const onSignal = (name: StopSignal) => {
    if (!controller.signal.aborted) {
      // Said at once: cleaning up can take a moment, and the user should know a second signal is heard.
      process.stderr.write(
        `\nguinav: stopping (${name}); ${name === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again stops at once\n`,
      );
      controller.abort(new InterruptedError(name));
      return;
    }
    removeStagingNow();
    process.stderr.write(`guinav: interrupted again (${name}); stopped at once, outputs left as they were\n`);
    process.exit(STOP_SIGNALS[name]);
  };
  for (const [name, handler] of Object.entries(handlers)) process.on(name, handler);
  try {
    return await work(controller.signal);
  } finally {
    for (const [name, handler] of Object.entries(handlers)) process.off(name, handler);
  }
}
