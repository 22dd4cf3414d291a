import { PY_DIGIT, PY_SPACE, PY_WORD, pyDecimalInt, pyStrip, stripThinking } from '@guinav/data-gen';

/**
 * The fields GE-Lab's reward functions read from an answer, with the published regexes
 * (`swift/plugin/orm.py`) in Python's semantics: `\s`, `\d` and `\w` as Python matches them in a
 * str pattern, `.` stopping at a newline only, `.strip()` as Python strips, `int()` of any
 * script's digits. Each helper returns what the first match (Python's `re.search`) gives.
 */

const ACTION = new RegExp(`\\tAction:${PY_SPACE}*(${PY_WORD}+)`, 'u');
const POINT = new RegExp(`\\((${PY_DIGIT}+),${PY_SPACE}*(${PY_DIGIT}+)\\)`, 'u');
const EXPLAIN = /[Ee]xplain:([^\n]*?)\tAction:/u;
const ICON = new RegExp(`click${PY_SPACE}+([^\\n]*?)${PY_SPACE}+icon`, 'u');
const PAGE = new RegExp(`page_(${PY_DIGIT}+)`, 'u');

/** The answer part that is scored: what follows the last `</think>` (all of it without one). */
export const scoredPart = stripThinking;

/** The action word after `\tAction:` (`click`, `complete`), or undefined. */
export function actionWord(text: string): string | undefined {
  return ACTION.exec(text)?.[1];
}

/** The first `(x, y)` point (a space allowed after the comma), as Python's `int()` reads it. */
export function firstPoint(text: string): [number, number] | undefined {
  const m = POINT.exec(text);
  return m ? [pyDecimalInt(m[1] as string), pyDecimalInt(m[2] as string)] : undefined;
}

/** The explanation between `Explain:` and `\tAction:`, stripped. */
export function explanation(text: string): string | undefined {
  const m = EXPLAIN.exec(text);
  return m ? pyStrip(m[1] as string) : undefined;
}

/** The icon named by `click <icon> icon`, stripped. */
export function namedIcon(text: string): string | undefined {
  const m = ICON.exec(text);
  return m ? pyStrip(m[1] as string) : undefined;
}

/** The first `page_<digits>` of the text, as the page id it names (`"page_" + group(1)`). */
export function namedPage(text: string): string | undefined {
  const m = PAGE.exec(text);
  return m ? `page_${m[1]}` : undefined;
}

const TARGET = new RegExp(`to page_(${PY_DIGIT}+)`, 'u');

/** The target page of a GE-Lab prompt (`... from page_3 to page_12. ...`). */
export function promptTarget(prompt: string): string | undefined {
  const m = TARGET.exec(prompt);
  return m ? `page_${m[1]}` : undefined;
}
