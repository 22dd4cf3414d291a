import type { Point } from './coords.js';

/**
 * GUI-Odyssey's command-style action strings, as the reference agent reads and writes them:
 * `CLICK: (x, y)`, `LONG_PRESS: (x, y)`, `SCROLL: UP|DOWN|LEFT|RIGHT`, `TYPE: text`,
 * `PRESS_HOME`, `PRESS_BACK`, `PRESS_RECENT`, `COMPLETE`, `IMPOSSIBLE`. Points are on 0..1000.
 */
export type ScrollDirection = 'UP' | 'DOWN' | 'LEFT' | 'RIGHT';
export const SCROLL_DIRECTIONS: readonly ScrollDirection[] = ['UP', 'DOWN', 'LEFT', 'RIGHT'];

export type OdysseyAction =
  | { type: 'CLICK'; point: Point }
  | { type: 'LONG_PRESS'; point: Point }
  | { type: 'SCROLL'; direction: ScrollDirection }
  | { type: 'TYPE'; text: string }
  | { type: 'PRESS_HOME' }
  | { type: 'PRESS_BACK' }
  | { type: 'PRESS_RECENT' }
  | { type: 'COMPLETE' }
  | { type: 'IMPOSSIBLE' };

export type OdysseyActionType = OdysseyAction['type'];
export const ODYSSEY_ACTION_TYPES: readonly OdysseyActionType[] = [
  'CLICK',
  'LONG_PRESS',
  'SCROLL',
  'TYPE',
  'PRESS_HOME',
  'PRESS_BACK',
  'PRESS_RECENT',
  'COMPLETE',
  'IMPOSSIBLE',
];

export function formatOdysseyAction(action: OdysseyAction): string {
  switch (action.type) {
    case 'CLICK':
    case 'LONG_PRESS':
      return `${action.type}: (${action.point[0]}, ${action.point[1]})`;
    case 'SCROLL':
      return `SCROLL: ${action.direction}`;
    case 'TYPE':
      return `TYPE: ${action.text}`;
    default:
      return action.type;
  }
}

/** The finger's direction of travel: horizontal when |dx| > |dy|, else vertical (ties are vertical). */
export function scrollDirection(start: Point, end: Point): ScrollDirection {
  const dx = end[0] - start[0];
  const dy = end[1] - start[1];
  if (Math.abs(dx) > Math.abs(dy)) return dx < 0 ? 'LEFT' : 'RIGHT';
  return dy < 0 ? 'UP' : 'DOWN';
}

const POINT_ACTION = /^(CLICK|LONG_PRESS)\s*:\s*\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)$/i;
const SCROLL_ACTION = /^SCROLL\s*:\s*(UP|DOWN|LEFT|RIGHT)$/i;
/** Some converters call TYPE "TEXT"; a quoted argument (the seed pipeline wrote `TYPE: "text"`) is unquoted. */
const TYPE_ACTION = /^(?:TYPE|TEXT)\s*:\s?([\s\S]*)$/i;
const BARE_ACTIONS = new Set<string>(['PRESS_HOME', 'PRESS_BACK', 'PRESS_RECENT', 'COMPLETE', 'IMPOSSIBLE']);

/** Parses one action string; returns undefined when it is not in the grammar (an unparseable prediction). */
export function parseOdysseyAction(text: string): OdysseyAction | undefined {
  const s = text.trim();
  const point = POINT_ACTION.exec(s);
  if (point) {
    const type = (point[1] as string).toUpperCase() as 'CLICK' | 'LONG_PRESS';
    return { type, point: [Math.round(Number(point[2])), Math.round(Number(point[3]))] };
  }
  const scroll = SCROLL_ACTION.exec(s);
  if (scroll) return { type: 'SCROLL', direction: (scroll[1] as string).toUpperCase() as ScrollDirection };
  const typed = TYPE_ACTION.exec(s);
  if (typed) return { type: 'TYPE', text: unquote(typed[1] as string) };
  const bare = s.toUpperCase();
  if (BARE_ACTIONS.has(bare)) return { type: bare } as OdysseyAction;
  return undefined;
}

function unquote(s: string): string {
  const m = /^(["'])([\s\S]*)\1$/.exec(s);
  return m ? (m[2] as string) : s;
}
