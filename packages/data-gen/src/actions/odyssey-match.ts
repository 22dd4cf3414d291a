import { numpyClickDistance } from './numpy-distance.js';
import { type DecodedOdysseyAction, decodeOdysseyAction } from './odyssey-decode.js';
import { evalPythonLiteral, PythonEvalError, type PyValue } from './python-literal.js';
import { pyLength, pyLevenshtein, pyStrip } from './python-text.js';

/**
 * GUI-Odyssey's Action Matching Score for one step, as the official evaluator computes it
 * (`action_matching_evaluation` + GUIOdyssey_action_matching.py). The scorer (eval-env)
 * aggregates it, and the DPO pair builder uses it to make sure a rejected action really is wrong.
 */

/** The official thresholds, inherited from Android-in-the-Wild. */
export const CLICK_RADIUS = 0.14;
export const TEXT_SIMILARITY_THRESHOLD = 0.5;

/** Why a step matched or not, in the official evaluator's words. */
export type MatchVerdict =
  | 'invalid'
  | 'action_fail'
  | 'action_correct'
  | 'type_correct'
  | 'type_fail'
  | 'scroll_correct'
  | 'scroll_fail'
  | 'click_correct'
  | 'click_fail';

export interface StepMatch {
  correct: boolean;
  verdict: MatchVerdict;
  /** For `invalid`: what Python would have raised. */
  reason?: string;
}

/**
 * One step, from the two action strings and the ground truth's `sam2_bbox` (`null` / absent:
 * no box, distance only; `[]`: the official files' value for non-click steps, which makes a
 * matching CLICK raise, i.e. invalid). Both strings are decoded like `simple_decode`; then
 * - the action names must be equal, exactly (`press_home` is not `PRESS_HOME`);
 * - actions other than SCROLL / CLICK / TYPE / LONG_PRESS need nothing more;
 * - TYPE: one stripped text contains the other, or 1 - Levenshtein / max(length) >= 0.5, over
 *   code points;
 * - SCROLL: the arguments are equal ignoring case;
 * - CLICK / LONG_PRESS: the point lies in `sam2_bbox` (edges included) OR within 0.14 of the
 *   ground truth on the 0..1 scale, with the decimals as given.
 * Whatever makes Python raise (an argument it cannot evaluate, a box that is not 4 numbers, a
 * point that is not numbers) is `invalid`. A ground truth that cannot be decoded throws
 * PythonEvalError: the official code crashes on it, and callers validate ground truths first.
 */
export function matchOdysseyAction(gt: string, pred: string, sam2Bbox?: readonly number[] | null): StepMatch {
  const truth = decodeOdysseyAction(gt);
  try {
    return actionMatching(truth, decodeOdysseyAction(pred), sam2Bbox ?? null);
  } catch (err) {
    if (err instanceof PythonEvalError) return { correct: false, verdict: 'invalid', reason: err.message };
    throw err;
  }
}

const ARGUMENT_ACTIONS = new Set(['SCROLL', 'CLICK', 'TYPE', 'LONG_PRESS']);

function actionMatching(
  gt: DecodedOdysseyAction,
  pred: DecodedOdysseyAction,
  box: readonly number[] | null,
): StepMatch {
  if (pred.action !== gt.action) return { correct: false, verdict: 'action_fail' };
  if (!ARGUMENT_ACTIONS.has(gt.action)) return { correct: true, verdict: 'action_correct' };
  if (gt.action === 'TYPE') {
    const ok = textMatches(gt.info as string, pred.info as string);
    return { correct: ok, verdict: ok ? 'type_correct' : 'type_fail' };
  }
  if (gt.action === 'SCROLL') {
    const ok = (gt.info as string).toLowerCase() === (pred.info as string).toLowerCase();
    return { correct: ok, verdict: ok ? 'scroll_correct' : 'scroll_fail' };
  }
  const ok = clickMatches(gt.info, pred.info, box);
  return { correct: ok, verdict: ok ? 'click_correct' : 'click_fail' };
}

/** The official `text_matching`: containment either way, else normalised Levenshtein similarity. */
export function textMatches(gt: string, pred: string): boolean {
  const a = pyStrip(gt);
  const b = pyStrip(pred);
  if (b.includes(a) || a.includes(b)) return true;
  const length = Math.max(pyLength(a), pyLength(b));
  const value = length === 0 ? 0 : pyLevenshtein(a, b) / length;
  return 1 - value >= TEXT_SIMILARITY_THRESHOLD;
}

/**
 * The official `click_matching`, Python's evaluation order included: the box test reads the
 * prediction's first coordinate, and its second only when the first is within x1..x2.
 */
function clickMatches(gtInfo: PyValue, predInfo: PyValue, box: readonly number[] | null): boolean {
  // click_matching evaluates a still-textual argument (e.g. a quoted point) once more.
  const pred = typeof predInfo === 'string' ? evalPythonLiteral(pyStrip(predInfo)) : predInfo;
  const gt = typeof gtInfo === 'string' ? evalPythonLiteral(pyStrip(gtInfo)) : gtInfo;
  if (box !== null) {
    if (box.length !== 4) throw new PythonEvalError(`ValueError: sam2_bbox has ${box.length} values, expected 4`);
    const [x1, y1, x2, y2] = box as [number, number, number, number];
    if (between(x1, () => item(pred, 0), x2) && between(y1, () => item(pred, 1), y2)) return true;
  }
  return numpyClickDistance(pred, gt) <= CLICK_RADIUS;
}

/** Python's `low <= value <= high`, which raises when value is not a number. */
function between(low: number, value: () => PyValue, high: number): boolean {
  const v = value();
  if (typeof v !== 'number') throw new PythonEvalError(`TypeError: '<=' not supported for ${describe(v)}`);
  return low <= v && v <= high;
}

function item(value: PyValue, index: number): PyValue {
  if (value === null || typeof value === 'number') {
    throw new PythonEvalError(`TypeError: ${describe(value)} is not subscriptable`);
  }
  const items = typeof value === 'string' ? Array.from(value) : value;
  if (index >= items.length) throw new PythonEvalError('IndexError: the point has too few values');
  return items[index] as PyValue;
}

function describe(value: PyValue): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a tuple';
  return typeof value === 'string' ? 'a string' : 'a number';
}
