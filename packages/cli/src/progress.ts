import type { OnProgress, ProgressEvent } from '@guinav/data-gen';
import cliProgress from 'cli-progress';

export interface ProgressDisplay {
  update(event: ProgressEvent): void;
  stop(): void;
}

/**
 * A bar with ETA on an interactive terminal; on a pipe or in CI, a plain line at once, then at
 * most every `plainEverySeconds` (also when nothing moved, so a stuck run still shows it is
 * alive) and at the end, so logs stay readable. Writes to stderr so stdout stays clean for JSON.
 */
export function createProgressDisplay(label: string, options: { plainEverySeconds?: number } = {}): ProgressDisplay {
  const stream = process.stderr;
  if (stream.isTTY) return barDisplay(label, stream);
  return plainDisplay(label, stream, (options.plainEverySeconds ?? 5) * 1000);
}

function formatInfo(info: ProgressEvent['info']): string {
  return info
    ? Object.entries(info)
        .map(([k, v]) => `${k} ${v}`)
        .join('  ')
    : '';
}

function barDisplay(label: string, stream: NodeJS.WriteStream): ProgressDisplay {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted} | {info}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update({ done, total, info }) {
      if (!started) {
        bar.start(total, done, { info: formatInfo(info) });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { info: formatInfo(info) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function plainDisplay(label: string, stream: NodeJS.WritableStream, everyMs: number): ProgressDisplay {
  const startedAt = Date.now();
  let lastAt = 0;
  let last: ProgressEvent | undefined;
  let lastWritten: ProgressEvent | undefined;
  const write = (e: ProgressEvent) => {
    lastAt = Date.now();
    lastWritten = e;
    const elapsed = (lastAt - startedAt) / 1000;
    const eta = e.done > 0 ? (elapsed / e.done) * (e.total - e.done) : Number.NaN;
    const pct = e.total > 0 ? ((100 * e.done) / e.total).toFixed(1) : '0.0';
    const etaText = Number.isFinite(eta) ? `${eta.toFixed(0)}s` : '?';
    stream.write(
      `${label}: ${e.done}/${e.total} (${pct}%) elapsed ${elapsed.toFixed(0)}s ETA ${etaText} ${formatInfo(e.info)}\n`,
    );
  };
  // The heartbeat: a line every `everyMs` even when no event came (a slow agent, a long write).
  const timer = setInterval(() => {
    if (last && Date.now() - lastAt >= everyMs) write(last);
  }, everyMs);
  timer.unref();
  return {
    update(event) {
      last = event;
      if (Date.now() - lastAt >= everyMs) write(event);
    },
    stop() {
      clearInterval(timer);
      // The final state always reaches the log, even when it came between two timed lines.
      if (last && last !== lastWritten) write(last);
    },
  };
}

/**
 * Draws a library call's progress: one display per phase (e.g. `render`, `datasets`, `write`),
 * labelled `<label> <phase>`, a bar on a terminal and plain lines in logs. Call `stop()` when the
 * work ends.
 */
export function phaseProgress(label: string): { onProgress: OnProgress; stop: () => void } {
  const displays = new Map<string, ProgressDisplay>();
  let current: ProgressDisplay | undefined;
  return {
    onProgress: (event) => {
      let display = displays.get(event.phase);
      if (!display) {
        current?.stop();
        display = createProgressDisplay(`${label} ${event.phase}`);
        displays.set(event.phase, display);
        current = display;
      }
      display.update(event);
    },
    stop: () => current?.stop(),
  };
}
