import { distance } from 'fastest-levenshtein';
import { type NormBbox, pointInBbox } from './coords.js';
import type { OdysseyAction } from './odyssey.js';

/**
 * GUI-Odyssey's Action Matching Score for one step: the scorer (eval-env) aggregates it, and the
 * DPO pair builder uses it to make sure a rejected action really is wrong.
 */

/** GUI-Odyssey's thresholds (GUIOdyssey_action_matching.py), inherited from Android-in-the-Wild. */
export const CLICK_RADIUS = 0.14;
export const TEXT_SIMILARITY_THRESHOLD = 0.5;

/** Why a step matched or not, in the published evaluator's words. */
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
}

/**
 * One step of the Action Matching Score. The action types must be equal; then
 * - PRESS_* / COMPLETE / IMPOSSIBLE: nothing else to check;
 * - TYPE: one text contains the other, or 1 - Levenshtein / max(length) >= 0.5 (trimmed, case kept);
 * - SCROLL: same direction;
 * - CLICK / LONG_PRESS: the predicted point lies in `sam2_bbox` (edges included) when there is one,
 *   OR it is within 0.14 of the ground truth on the 0..1 scale.
 * An unparseable prediction (`undefined`) is wrong.
 */
export function matchOdysseyStep(
  gt: OdysseyAction,
  pred: OdysseyAction | undefined,
  sam2Bbox?: NormBbox | null,
): StepMatch {
  if (!pred) return { correct: false, verdict: 'invalid' };
  if (pred.type !== gt.type) return { correct: false, verdict: 'action_fail' };
  switch (gt.type) {
    case 'TYPE': {
      const ok = textMatches(gt.text, (pred as { text: string }).text);
      return { correct: ok, verdict: ok ? 'type_correct' : 'type_fail' };
    }
    case 'SCROLL': {
      const ok = gt.direction === (pred as { direction: string }).direction;
      return { correct: ok, verdict: ok ? 'scroll_correct' : 'scroll_fail' };
    }
    case 'CLICK':
    case 'LONG_PRESS': {
      const ok = pointMatches(gt.point, (pred as { point: [number, number] }).point, sam2Bbox);
      return { correct: ok, verdict: ok ? 'click_correct' : 'click_fail' };
    }
    default:
      return { correct: true, verdict: 'action_correct' };
  }
}

export function textMatches(gt: string, pred: string): boolean {
  const a = gt.trim();
  const b = pred.trim();
  if (a.includes(b) || b.includes(a)) return true;
  const length = Math.max(a.length, b.length);
  return 1 - distance(a, b) / length >= TEXT_SIMILARITY_THRESHOLD;
}

/**
 * Computed in the published order (numpy: scale each point by 1/1000, subtract, then the root of
 * the dot product) so that points on the 0.14 boundary fall on the same side as in the paper.
 */
export function pointMatches(
  gt: readonly [number, number],
  pred: readonly [number, number],
  sam2Bbox?: NormBbox | null,
): boolean {
  if (sam2Bbox && pointInBbox([pred[0], pred[1]], sam2Bbox)) return true;
  const dx = pred[0] / 1000 - gt[0] / 1000;
  const dy = pred[1] / 1000 - gt[1] / 1000;
  return Math.sqrt(dx * dx + dy * dy) <= CLICK_RADIUS;
}
