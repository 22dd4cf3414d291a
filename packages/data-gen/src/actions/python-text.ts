import { distance } from 'fastest-levenshtein';

/**
 * Python's string semantics where GUI-Odyssey's evaluator relies on them: `str.strip()` removes
 * the characters `str.isspace()` accepts (a different set from JS `trim()`: Python strips
 * U+001C..U+001F and U+0085, keeps U+FEFF), and lengths count code points, not UTF-16 units.
 */
const PY_WHITESPACE = new Set(
  [
    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
    0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
  ].map((c) => String.fromCharCode(c)),
);

/**
 * Python's `\s` in a str pattern (the same `str.isspace()` set), as a RegExp character class for
 * patterns compiled with the `u` flag. JS `\s` differs: it lacks U+001C..U+001F and U+0085 and
 * adds U+FEFF.
 */
export const PY_SPACE = `[${[...PY_WHITESPACE].map((c) => `\\u{${c.charCodeAt(0).toString(16)}}`).join('')}]`;
/** Python's `\d` in a str pattern: any decimal digit (Unicode Nd), for `u` patterns. */
export const PY_DIGIT = '\\p{Nd}';
/** Python's `\w` in a str pattern: letters, numbers and the underscore, for `u` patterns. */
export const PY_WORD = '[\\p{L}\\p{N}_]';

const DECIMAL = /\p{Nd}/u;

/**
 * `int(s)` of a string of decimal digits (what `\d+` matched): Unicode keeps each script's digits
 * in runs of ten from 0 to 9, so a digit's value is its distance from the run's start.
 */
export function pyDecimalInt(digits: string): number {
  let value = 0;
  for (const ch of digits) {
    const code = ch.codePointAt(0) as number;
    let before = 0;
    while (DECIMAL.test(String.fromCodePoint(code - before - 1))) before++;
    value = value * 10 + (before % 10);
  }
  return value;
}

export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_WHITESPACE.has(text[start] as string)) start++;
  while (end > start && PY_WHITESPACE.has(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

/** `len(s)` in Python: code points. */
export function pyLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Levenshtein distance over code points. fastest-levenshtein compares UTF-16 units, which counts
 * a character outside the BMP (an emoji) as two; such strings go through the plain dynamic
 * programme over code points instead (prediction texts are short).
 */
export function pyLevenshtein(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return distance(a, b);
  const s = Array.from(a);
  const t = Array.from(b);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitution = (previous[j - 1] as number) + (s[i - 1] === t[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[t.length] as number;
}
