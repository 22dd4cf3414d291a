import { spawn } from 'node:child_process';
import path from 'node:path';

/** The built bin, exactly as `npx guinav` runs it (the test target depends on build). */
export const GUINAV_BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'guinav.js');

/** What the CLI says when the first Ctrl-C / SIGTERM arrives (interrupt.ts). */
const STOPPING = /guinav: stopping \(SIG\w+\)/;

export interface Finished {
  /** The exit status, or null when a signal ended the process (e.g. SIGKILL). */
  code: number | null;
  signal: NodeJS.Signals | null;
  pid: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs guinav in a child process and, the first time its stderr matches `when` (e.g. the first
 * progress line of a phase), sends it `signals`: real signals, as a terminal's Ctrl-C or a `kill`
 * would. Each later signal waits until the process has said it is stopping, so a second Ctrl-C
 * lands while the first one's clean-up runs, however loaded the machine. Resolves when the
 * process has ended (without `options`, it just runs).
 */
export function guinavProcess(
  args: readonly string[],
  options?: { when: RegExp; signals: NodeJS.Signals[] },
): Promise<Finished> {
  const child = spawn(process.execPath, [GUINAV_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let next = 0;
  let since = 0;
  const sent = () => next > 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!options || next >= options.signals.length) return;
    const ready = next === 0 ? options.when.test(stderr) : STOPPING.test(stderr.slice(since));
    if (!ready) return;
    since = stderr.length;
    child.kill(options.signals[next++]);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (options && !sent()) reject(new Error(`guinav ${args.join(' ')} ended before ${options.when}:\n${stderr}`));
      else resolve({ code, signal, pid: child.pid as number, stdout, stderr });
    });
  });
}
