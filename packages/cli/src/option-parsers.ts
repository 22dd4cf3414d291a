import { InvalidArgumentError } from 'commander';

/**
 * commander argument parsers shared by every command: a bad value fails with commander's
 * "option '--x <n>' argument 'v' is invalid." followed by what was expected.
 */

export function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected an integer >= 0.');
  }
  return Number(value);
}

export function positiveInteger(value: string): number {
  const n = nonNegativeInteger(value);
  if (n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0.');
  return n;
}

/** `0,1` -> [0, 1]; an empty string is an empty list. */
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

/** An integer in [min, max]; the message gives the range. */
export function boundedInteger(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    }
    return n;
  };
}
