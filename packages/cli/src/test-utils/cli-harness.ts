import { type MockInstance, vi } from 'vitest';
import { runCli } from '../program.js';
import { ctrlCWhen } from './ctrl-c.js';

/**
 * Runs `guinav` in-process with its output captured: console.log (stdout), console.error, and
 * process.stderr.write (commander writes its own errors there; the progress display does too).
 * Each capture replaces the spies of the previous one; the test file restores them with
 * `afterEach(() => vi.restoreAllMocks())`.
 */
export function cliHarness() {
  let logs: MockInstance | undefined;
  let errors: MockInstance | undefined;
  let stderrWrites: MockInstance | undefined;
  const spy = (m: MockInstance | undefined): MockInstance => {
    if (!m) throw new Error('cliHarness: nothing was captured yet (run guinav first)');
    return m;
  };

  /** Starts capturing the output (guinav does this itself; for tests that call runCli). */
  const capture = (): void => {
    logs = vi.spyOn(console, 'log').mockImplementation(() => {});
    errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    stderrWrites = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  };

  /** `guinav <args>`; resolves to the exit code. */
  const guinav = (...args: string[]) => {
    capture();
    return runCli(['node', 'guinav', ...args]);
  };

  return {
    capture,
    guinav,
    /** Runs guinav and presses Ctrl-C when stderr first shows `when` (e.g. a progress line). */
    interruptedOn: (when: RegExp, ...args: string[]) => {
      const running = guinav(...args);
      ctrlCWhen(spy(stderrWrites), when);
      return running;
    },
    /** Every console.log line of the last run. */
    stdout: () =>
      spy(logs)
        .mock.calls.map((c) => String(c[0]))
        .join('\n'),
    /** console.error lines, then everything written to process.stderr. */
    stderr: () => [...spy(errors).mock.calls, ...spy(stderrWrites).mock.calls].map((c) => String(c[0])).join('\n'),
    /** The console.log spy of the last run. */
    logs: () => spy(logs),
  };
}
