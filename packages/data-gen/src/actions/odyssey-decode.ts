import { evalPythonLiteral, type PyValue } from './python-literal.js';
import { pyStrip } from './python-text.js';

/**
 * An action string as GUI-Odyssey's official evaluator reads it (`simple_decode` in
 * evaluate_GUIOdyssey.py): the action is the text before the first `:` (stripped, compared
 * case-sensitively later), the argument the text between the first and the second `:` (so
 * `TYPE: 10:30 meeting` reads as `10`), and a CLICK / LONG_PRESS argument is the value Python's
 * `eval` gives it. Without a `:` the argument is empty (`TYPE` alone types nothing).
 */
export interface DecodedOdysseyAction {
  action: string;
  /** The stripped argument text; for CLICK / LONG_PRESS its evaluated value. */
  info: PyValue;
}

const EVALUATED_ACTIONS = new Set(['CLICK', 'LONG_PRESS']);

/** Throws PythonEvalError when a CLICK / LONG_PRESS argument is not something Python evaluates. */
export function decodeOdysseyAction(text: string): DecodedOdysseyAction {
  const [head, argument] = text.split(':');
  const action = pyStrip(head as string);
  if (argument === undefined) return { action, info: '' };
  const info = pyStrip(argument);
  return { action, info: EVALUATED_ACTIONS.has(action) ? evalPythonLiteral(info) : info };
}
