import { afterEach, describe, expect, it, vi } from 'vitest';
import { phaseProgress } from './progress.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('progress in a log (not a terminal)', () => {
  it('prints the first event at once, a heartbeat while nothing moves, and the last state at the end', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const isTTY = process.stderr.isTTY;
    process.stderr.isTTY = false;
    try {
      const progress = phaseProgress('eval interactive');
      progress.onProgress({ phase: 'episodes', done: 0, total: 40 });
      expect(lines).toEqual([expect.stringMatching(/^eval interactive episodes: 0\/40 \(0\.0%\) elapsed 0s ETA \?/)]);
      progress.onProgress({ phase: 'episodes', done: 1, total: 40, info: { success: '100.0%' } });
      expect(lines).toHaveLength(1); // within 5 s of the last line
      vi.advanceTimersByTime(5000);
      expect(lines[1]).toMatch(/^eval interactive episodes: 1\/40 \(2\.5%\) elapsed 5s ETA 195s success 100\.0%/);
      vi.advanceTimersByTime(5000); // nothing new: the heartbeat repeats the state with the time
      expect(lines[2]).toMatch(/^eval interactive episodes: 1\/40 .* elapsed 10s/);
      progress.onProgress({ phase: 'write', done: 3, total: 8 });
      expect(lines[3]).toMatch(/^eval interactive write: 3\/8/);
      progress.onProgress({ phase: 'write', done: 8, total: 8 });
      progress.stop();
      expect(lines[4]).toMatch(/^eval interactive write: 8\/8 \(100\.0%\)/);
      vi.advanceTimersByTime(20_000);
      expect(lines).toHaveLength(5); // stopped: no more heartbeats
    } finally {
      process.stderr.isTTY = isTTY;
    }
  });
});
