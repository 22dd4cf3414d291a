import type { Point } from '../actions/coords.js';
import { type OdysseyAction, scrollDirection } from '../actions/odyssey.js';
import type { OdysseyStep } from './episode-schema.js';

/** Special keys a CLICK's or LONG_PRESS's `info` may name instead of coordinates (as the official converter maps them). */
const KEY_ACTIONS: Record<string, OdysseyAction> = {
  KEY_HOME: { type: 'PRESS_HOME' },
  KEY_BACK: { type: 'PRESS_BACK' },
  KEY_APPSELECT: { type: 'PRESS_RECENT' },
};

/** The step's action in the official string grammar, plus its raw points (for strategies that need them). */
export interface StepAction {
  action: OdysseyAction;
  /** The points of `info` as written: [[x, y], ...] for a point action, [[x1, y1], [x2, y2]] for SCROLL, [] otherwise. */
  points: Point[];
}

/**
 * Converts a step's `action` + `info` as the official converter (`decode_action` in
 * data/format_converter.py) does: CLICK / LONG_PRESS with KEY_HOME / KEY_BACK / KEY_APPSELECT are
 * PRESS_HOME / PRESS_BACK / PRESS_RECENT, otherwise a point action at the FIRST point of `info`,
 * decimals kept; SCROLL goes in the finger's direction from the first to the second point; TEXT
 * types `info`; INCOMPLETE is IMPOSSIBLE. Also read: TYPE (introduction.md's name for TEXT, which
 * the converter itself rejects), names in any case, and HOME / BACK / APPSELECT from older files.
 * Throws a message naming the field and what was expected.
 */
export function stepAction(step: OdysseyStep): StepAction {
  const kind = step.action.toUpperCase();
  const info = step.info;
  const points = typeof info === 'string' ? [] : info.map(([x, y]) => [x, y] as Point);
  switch (kind) {
    case 'CLICK':
    case 'LONG_PRESS': {
      if (typeof info === 'string') {
        const key = KEY_ACTIONS[info.trim().toUpperCase()];
        if (key) return { action: key, points: [] };
        throw new Error(`info: expected [[x, y]] or one of ${Object.keys(KEY_ACTIONS).join(', ')}, got "${info}"`);
      }
      const [first] = points;
      if (!first) throw new Error(`info: expected at least one point [[x, y]] for ${kind}, got []`);
      return { action: { type: kind, point: first }, points };
    }
    case 'SCROLL':
      if (points.length < 2)
        throw new Error(`info: expected [[x1, y1], [x2, y2]] for SCROLL, got ${JSON.stringify(info)}`);
      // A swipe that does not move has no direction (scrollDirection would call it DOWN).
      if (typeof info !== 'string' && info[0]?.[0] === info[1]?.[0] && info[0]?.[1] === info[1]?.[1])
        throw new Error(`info: a SCROLL needs two different points (start, end), got ${JSON.stringify(info)}`);
      return { action: { type: 'SCROLL', direction: scrollDirection(points[0] as Point, points[1] as Point) }, points };
    case 'TEXT':
    case 'TYPE':
      if (typeof info !== 'string')
        throw new Error(`info: expected the typed text for ${kind}, got ${JSON.stringify(info)}`);
      return { action: { type: 'TYPE', text: info }, points: [] };
    case 'COMPLETE':
      return { action: { type: 'COMPLETE' }, points: [] };
    case 'INCOMPLETE':
    case 'IMPOSSIBLE':
      return { action: { type: 'IMPOSSIBLE' }, points: [] };
    case 'HOME':
    case 'PRESS_HOME':
      return { action: { type: 'PRESS_HOME' }, points: [] };
    case 'BACK':
    case 'PRESS_BACK':
      return { action: { type: 'PRESS_BACK' }, points: [] };
    case 'RECENT':
    case 'APPSELECT':
    case 'PRESS_RECENT':
      return { action: { type: 'PRESS_RECENT' }, points: [] };
    default:
      throw new Error(
        `action: expected CLICK, LONG_PRESS, SCROLL, TEXT, COMPLETE or INCOMPLETE (or TYPE, HOME, BACK), got "${step.action}"`,
      );
  }
}
