import type { Point } from './coords.js';

/**
 * GE-Lab's output grammar. An assistant turn is either
 *   `Explain:click <Icon> icon on <page>.\tAction: click(start_box='<|box_start|>(x,y)<|box_end|>')`
 * or
 *   `Explain: this is target page.\tAction: complete`
 * Coordinates are on the 0..1000 scale. This module is the only place these strings are built.
 */

export interface GelabClick {
  type: 'click';
  point: Point;
  /** Icon named in the explanation (underscore form, e.g. `Digital_electronics_98`). */
  icon?: string;
  /** Page named in the explanation. */
  page?: string;
}
export interface GelabComplete {
  type: 'complete';
}
export interface GelabInvalid {
  type: 'invalid';
  reason: string;
}
export type GelabAction = GelabClick | GelabComplete;
export type ParsedGelabAction = GelabAction | GelabInvalid;

export const GELAB_COMPLETE_TEXT = 'Explain: this is target page.\tAction: complete';

export function formatGelabClickBox(point: Point): string {
  return `click(start_box='<|box_start|>(${point[0]},${point[1]})<|box_end|>')`;
}

export function formatGelabClick(icon: string, page: string, point: Point): string {
  return `Explain:click ${icon} icon on ${page}.\tAction: ${formatGelabClickBox(point)}`;
}

/** The answer of an icon-grounding sample ("Click on X in the image."): the click alone, no explanation. */
export function formatGelabGroundingAnswer(point: Point): string {
  return `Action: ${formatGelabClickBox(point)}`;
}

export function formatGelabAction(action: Required<GelabClick> | GelabComplete): string {
  return action.type === 'complete' ? GELAB_COMPLETE_TEXT : formatGelabClick(action.icon, action.page, action.point);
}

/** Reasoning models wrap their thinking in <think>...</think>; only what follows the last close tag is the answer. */
export function stripThinking(text: string): string {
  const at = text.lastIndexOf('</think>');
  return at < 0 ? text : text.slice(at + '</think>'.length);
}

const COORDS = /\(\s*(\d+)\s*,\s*(\d+)\s*\)/;
const EXPLAIN_ICON = /click\s+(.*?)\s+icon/;
const EXPLAIN_PAGE = /icon\s+on\s+(\S+?)\.?(?:\s|$)/;

/**
 * Parses model output leniently (spaces inside the tuple, missing box tokens, thinking
 * prefixes) but never guesses: no coordinates and no `complete` means invalid.
 * Coordinates win over the word `complete` when both appear after `Action:`.
 */
export function parseGelabAction(text: string): ParsedGelabAction {
  const answer = stripThinking(text);
  const actionAt = answer.lastIndexOf('Action:');
  const actionPart = actionAt >= 0 ? answer.slice(actionAt + 'Action:'.length) : answer;
  const explainPart = actionAt >= 0 ? answer.slice(0, actionAt) : answer;
  const coords = COORDS.exec(actionPart);
  if (coords) {
    const point: Point = [Number(coords[1]), Number(coords[2])];
    if (point[0] > 1000 || point[1] > 1000) return { type: 'invalid', reason: `coordinates (${point}) exceed 1000` };
    const click: GelabClick = { type: 'click', point };
    const icon = EXPLAIN_ICON.exec(explainPart)?.[1];
    const page = EXPLAIN_PAGE.exec(explainPart)?.[1];
    if (icon !== undefined) click.icon = icon;
    if (page !== undefined) click.page = page;
    return click;
  }
  if (/\bcomplete\b/i.test(actionPart)) return { type: 'complete' };
  return { type: 'invalid', reason: 'no click coordinates and no complete' };
}
