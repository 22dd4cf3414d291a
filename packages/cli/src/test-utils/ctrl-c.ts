import type { MockInstance } from 'vitest';

/**
 * Presses Ctrl-C (emits SIGINT, which the command under test listens to) the first time text
 * matching `when` is written through `stderrWrites`, a spy on `process.stderr.write` (e.g. the
 * first progress line). The spy keeps swallowing the output.
 */
export function ctrlCWhen(stderrWrites: MockInstance, when: RegExp): void {
  let sent = false;
  stderrWrites.mockImplementation((chunk: unknown) => {
    if (!sent && when.test(String(chunk))) {
      sent = true;
      process.emit('SIGINT');
    }
    return true;
  });
}
