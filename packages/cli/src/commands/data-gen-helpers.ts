import type { OnProgress } from '@guinav/data-gen';
import { InvalidArgumentError } from 'commander';
import { createProgressDisplay, type ProgressDisplay } from '../progress.js';

/** commander parsers for `guinav world` and `guinav data`: bad values name what was expected. */
export function integerList(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  if (value.trim() === '') return [];
  if (parts.some((p) => !/^\d+$/.test(p))) {
    throw new InvalidArgumentError('expected comma-separated integers >= 0, e.g. 0,1.');
  }
  return parts.map(Number);
}

export function positiveIntegerList(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  const list = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || list.some((n) => n < 1)) {
    throw new InvalidArgumentError('expected comma-separated integers >= 1, e.g. 5,3,2.');
  }
  return list;
}

export function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected an integer >= 0.');
  }
  return Number(value);
}

export function positiveInteger(value: string): number {
  const n = nonNegativeInteger(value);
  if (n < 1) throw new InvalidArgumentError('expected an integer >= 1.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0.');
  return n;
}

/** A comma-separated subset of `allowed`, e.g. `spatial,logical`. */
export function choiceList<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = value.split(',').map((v) => v.trim());
    const bad = items.filter((v) => !(allowed as readonly string[]).includes(v));
    if (bad.length || items.length === 0) {
      throw new InvalidArgumentError(
        `expected a comma-separated list of ${allowed.join(', ')}; got "${bad.join(',')}".`,
      );
    }
    return [...new Set(items)] as T[];
  };
}

/**
 * Draws a library call's progress: one display per phase (e.g. `render`, `datasets`), a bar on a
 * terminal and plain lines in logs (see progress.ts). Call `stop()` when the work ends.
 */
export function phaseProgress(label: string): { onProgress: OnProgress; stop: () => void } {
  const displays = new Map<string, ProgressDisplay>();
  let current: ProgressDisplay | undefined;
  return {
    onProgress: ({ phase, done, total }) => {
      let display = displays.get(phase);
      if (!display) {
        current?.stop();
        display = createProgressDisplay(`${label} ${phase}`);
        displays.set(phase, display);
        current = display;
      }
      display.update({ done, total });
    },
    stop: () => current?.stop(),
  };
}
