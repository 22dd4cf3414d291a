import type { Point } from './coords.js';
import { type DecodedOdysseyAction, decodeOdysseyAction } from './odyssey-decode.js';

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

const BARE_ACTIONS = new Set<string>(['PRESS_HOME', 'PRESS_BACK', 'PRESS_RECENT', 'COMPLETE', 'IMPOSSIBLE']);

/**
 * Reads an action string the way the official evaluator does (decodeOdysseyAction: the name
 * before the first `:`, case-sensitive; the argument up to a second `:`; a point argument
 * evaluated as Python) into one of the nine actions, or undefined when it is none of them:
 * an unknown name, a point that is not two numbers, a direction other than UP / DOWN / LEFT /
 * RIGHT (any case, as the matcher compares them). An argument after a bare action is ignored
 * (`PRESS_HOME: now` is PRESS_HOME), `TYPE` alone types nothing, and decimals are kept.
 */
export function parseOdysseyAction(text: string): OdysseyAction | undefined {
  let decoded: DecodedOdysseyAction;
  try {
    decoded = decodeOdysseyAction(text);
  } catch {
    return undefined;
  }
  const { action, info } = decoded;
  if (action === 'CLICK' || action === 'LONG_PRESS') {
    const isPoint = Array.isArray(info) && info.length === 2 && info.every((v) => typeof v === 'number');
    return isPoint ? { type: action, point: [info[0] as number, info[1] as number] } : undefined;
  }
  if (action === 'SCROLL') {
    const direction = (info as string).toUpperCase() as ScrollDirection;
    return SCROLL_DIRECTIONS.includes(direction) ? { type: 'SCROLL', direction } : undefined;
  }
  if (action === 'TYPE') return { type: 'TYPE', text: info as string };
  return BARE_ACTIONS.has(action) ? ({ type: action } as OdysseyAction) : undefined;
}
