import type { NormBbox, Point } from '../actions/coords.js';
import { formatOdysseyAction, type OdysseyAction, type ScrollDirection } from '../actions/odyssey.js';
import { CLICK_RADIUS, pointMatches, textMatches } from '../actions/odyssey-match.js';
import type { DataRng } from '../random/data-rng.js';
import type { StepAction } from './step-action.js';

/**
 * GUI-Odyssey rejection strategies (docs/data-gen.md):
 * - `spatial`  CLICK / LONG_PRESS: the point plus Gaussian noise (sigma on the 0..1000 scale),
 *              clipped and rounded, never the chosen point; with a minimum distance it is also
 *              farther than that from the chosen point (and, for `ams`, outside sam2_bbox), so
 *              AMS would score it wrong;
 * - `logical`  a different action type: CLICK -> TYPE, TYPE -> CLICK, LONG_PRESS -> CLICK at the
 *              same point, anything else -> CLICK;
 * - `text`     TYPE: a text that AMS would not accept (another TYPE text of the data, else random
 *              letters of the same length);
 * - `scroll`   SCROLL: the opposite direction.
 */
export const ODYSSEY_DPO_STRATEGIES = ['spatial', 'logical', 'text', 'scroll'] as const;
export type OdysseyDpoStrategy = (typeof ODYSSEY_DPO_STRATEGIES)[number];

/** `ams`: farther than 0.14 x 1000 from the chosen point and outside its sam2_bbox. */
export const AMS_CLICK_RADIUS = CLICK_RADIUS * 1000;
export type MinDistance = 'none' | 'ams' | number;

export interface RejectionContext {
  step: StepAction;
  sam2Bbox?: NormBbox;
  instruction: string;
  /** TYPE texts found anywhere in the data, for believable text rejections. */
  typedTexts: readonly string[];
  sigma: number;
  minDistance: MinDistance;
}

/** Case-folded, so a rejected text is wrong whichever case convention the scorer uses. */
export function typedTextMatches(a: string, b: string): boolean {
  return textMatches(a.toLowerCase(), b.toLowerCase());
}

const OPPOSITE: Record<ScrollDirection, ScrollDirection> = { UP: 'DOWN', DOWN: 'UP', LEFT: 'RIGHT', RIGHT: 'LEFT' };

export function strategyApplies(strategy: OdysseyDpoStrategy, action: OdysseyAction): boolean {
  switch (strategy) {
    case 'spatial':
      return action.type === 'CLICK' || action.type === 'LONG_PRESS';
    case 'text':
      return action.type === 'TYPE';
    case 'scroll':
      return action.type === 'SCROLL';
    case 'logical':
      return true;
  }
}

const clip = (v: number) => Math.min(1000, Math.max(0, Math.round(v)));

/** Too close to count as wrong: the same point, within the minimum distance, or inside sam2_bbox (ams). */
function tooClose(p: Point, chosen: Point, ctx: RejectionContext): boolean {
  if (p[0] === chosen[0] && p[1] === chosen[1]) return true;
  if (ctx.minDistance === 'none') return false;
  // The scorer's own rule, so a rejection is wrong exactly when AMS would say so.
  if (ctx.minDistance === 'ams') return pointMatches(chosen, p, ctx.sam2Bbox);
  return Math.hypot(p[0] - chosen[0], p[1] - chosen[1]) <= ctx.minDistance;
}

function spatial(action: OdysseyAction, ctx: RejectionContext, rng: DataRng): OdysseyAction | undefined {
  if (action.type !== 'CLICK' && action.type !== 'LONG_PRESS') return undefined;
  const [x, y] = action.point;
  const accept = (p: Point) => (tooClose(p, action.point, ctx) ? undefined : { type: action.type, point: p });
  // Plain Gaussian noise first; when a minimum distance rules most draws out, push the draw's
  // direction out to just beyond the radius plus its own noise length.
  for (let i = 0; i < 200; i++) {
    const ok = accept([clip(x + rng.gaussian() * ctx.sigma), clip(y + rng.gaussian() * ctx.sigma)]);
    if (ok) return ok;
  }
  const radius =
    ctx.minDistance === 'ams' ? AMS_CLICK_RADIUS : typeof ctx.minDistance === 'number' ? ctx.minDistance : 1;
  for (let i = 0; i < 200; i++) {
    const angle = rng.float() * 2 * Math.PI;
    const r = radius + 1 + Math.abs(rng.gaussian() * ctx.sigma);
    const ok = accept([clip(x + r * Math.cos(angle)), clip(y + r * Math.sin(angle))]);
    if (ok) return ok;
  }
  return undefined;
}

function randomPoint(rng: DataRng): Point {
  return [rng.int(0, 1000), rng.int(0, 1000)];
}

/** A few consecutive words of the instruction: what a confused agent might type. */
function phraseOf(instruction: string, rng: DataRng): string {
  const words = instruction.split(/\s+/).filter((w) => /\w/.test(w));
  if (words.length === 0) return 'search';
  const start = rng.int(0, words.length - 1);
  return words
    .slice(start, start + rng.int(1, 3))
    .join(' ')
    .replace(/[.,;:!?]+$/, '');
}

function logical(action: OdysseyAction, ctx: RejectionContext, rng: DataRng): OdysseyAction {
  switch (action.type) {
    case 'CLICK':
      return { type: 'TYPE', text: ctx.typedTexts.length ? rng.pick(ctx.typedTexts) : phraseOf(ctx.instruction, rng) };
    case 'LONG_PRESS':
      return { type: 'CLICK', point: action.point };
    case 'SCROLL':
      return { type: 'CLICK', point: ctx.step.points[0] ?? randomPoint(rng) };
    default:
      return { type: 'CLICK', point: randomPoint(rng) };
  }
}

function text(action: OdysseyAction, ctx: RejectionContext, rng: DataRng): OdysseyAction | undefined {
  if (action.type !== 'TYPE') return undefined;
  const wrong = ctx.typedTexts.filter((t) => t.trim() && !typedTextMatches(action.text, t));
  if (wrong.length) return { type: 'TYPE', text: rng.pick(wrong) };
  const length = Math.max(3, action.text.trim().length);
  for (let i = 0; i < 100; i++) {
    const letters = Array.from({ length }, () => String.fromCharCode(97 + rng.int(0, 25))).join('');
    if (!typedTextMatches(action.text, letters)) return { type: 'TYPE', text: letters };
  }
  return undefined;
}

function scroll(action: OdysseyAction): OdysseyAction | undefined {
  return action.type === 'SCROLL' ? { type: 'SCROLL', direction: OPPOSITE[action.direction] } : undefined;
}

/**
 * The rejected action string for one strategy, or undefined when it cannot apply (or cannot
 * find a far-enough point). Never the chosen string.
 */
export function rejectOdysseyStep(
  strategy: OdysseyDpoStrategy,
  ctx: RejectionContext,
  rng: DataRng,
): string | undefined {
  const action = ctx.step.action;
  if (!strategyApplies(strategy, action)) return undefined;
  const rejected =
    strategy === 'spatial'
      ? spatial(action, ctx, rng)
      : strategy === 'logical'
        ? logical(action, ctx, rng)
        : strategy === 'text'
          ? text(action, ctx, rng)
          : scroll(action);
  if (!rejected) return undefined;
  const out = formatOdysseyAction(rejected);
  return out === formatOdysseyAction(action) ? undefined : out;
}
