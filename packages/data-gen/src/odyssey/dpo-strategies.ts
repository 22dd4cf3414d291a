import type { NormBbox, Point } from '../actions/coords.js';
import { formatOdysseyAction, type OdysseyAction, type ScrollDirection } from '../actions/odyssey.js';
import { decodeOdysseyAction } from '../actions/odyssey-decode.js';
import { CLICK_RADIUS, matchOdysseyAction, textMatches } from '../actions/odyssey-match.js';
import type { DataRng } from '../random/data-rng.js';
import type { StepAction } from './step-action.js';

/**
 * GUI-Odyssey rejection strategies (docs/data-gen.md). Every rejection is checked with the
 * scorer's own matcher (matchOdysseyAction, against the step's sam2_bbox): one that the official
 * evaluator would score as correct is never returned.
 * - `spatial`  CLICK / LONG_PRESS: a point outside sam2_bbox and farther than the AMS radius
 *              (0.14 x 1000) from the chosen point, drawn as the point plus Gaussian noise (sigma
 *              on the 0..1000 scale) and pushed beyond the radius when the noise falls short;
 *              a numeric minimum distance can ask for more;
 * - `logical`  a different action type: CLICK -> TYPE, TYPE -> CLICK, LONG_PRESS -> CLICK at the
 *              same point, anything else -> CLICK;
 * - `text`     TYPE: a text that AMS would not accept (another TYPE text of the data, else random
 *              letters of the same length), judged on the part the official parser reads;
 * - `scroll`   SCROLL: the opposite direction.
 */
export const ODYSSEY_DPO_STRATEGIES = ['spatial', 'logical', 'text', 'scroll'] as const;
export type OdysseyDpoStrategy = (typeof ODYSSEY_DPO_STRATEGIES)[number];

/** The AMS radius on the 0..1000 scale. */
export const AMS_CLICK_RADIUS = CLICK_RADIUS * 1000;
/** `ams`: just what AMS needs (outside sam2_bbox and beyond 140); a number: also at least that far. */
export type MinDistance = 'ams' | number;

export interface RejectionContext {
  step: StepAction;
  sam2Bbox?: NormBbox;
  instruction: string;
  /** TYPE texts found anywhere in the data, for believable text rejections. */
  typedTexts: readonly string[];
  sigma: number;
  minDistance: MinDistance;
}

/** The text the official parser reads from `TYPE: {text}`: up to a second `:`, stripped. */
function typedPart(text: string): string {
  return decodeOdysseyAction(`TYPE: ${text}`).info as string;
}

/**
 * Whether AMS accepts one typed text for the other, judged on the parts the official parser
 * reads and case-folded, so a rejected text is wrong whichever case convention a scorer uses.
 */
export function typedTextMatches(a: string, b: string): boolean {
  return textMatches(typedPart(a).toLowerCase(), typedPart(b).toLowerCase());
}

/** The scorer's verdict: would the official evaluator score `candidate` as correct for this step? */
function scoresCorrect(candidate: OdysseyAction, ctx: RejectionContext): boolean {
  return matchOdysseyAction(formatOdysseyAction(ctx.step.action), formatOdysseyAction(candidate), ctx.sam2Bbox ?? null)
    .correct;
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

/** Too close to count as wrong: within the radius or a numeric minimum distance, or AMS accepts it. */
function tooClose(candidate: OdysseyAction & { point: Point }, chosen: Point, ctx: RejectionContext): boolean {
  const distance = Math.hypot(candidate.point[0] - chosen[0], candidate.point[1] - chosen[1]);
  // Within the radius AMS accepts it anyway: a cheap test before the matcher decides the rest.
  if (distance <= Math.max(AMS_CLICK_RADIUS, typeof ctx.minDistance === 'number' ? ctx.minDistance : 0)) return true;
  return scoresCorrect(candidate, ctx);
}

function spatial(action: OdysseyAction, ctx: RejectionContext, rng: DataRng): OdysseyAction | undefined {
  if (action.type !== 'CLICK' && action.type !== 'LONG_PRESS') return undefined;
  const [x, y] = action.point;
  const accept = (point: Point) => {
    const candidate = { type: action.type, point };
    return tooClose(candidate, action.point, ctx) ? undefined : candidate;
  };
  // Plain Gaussian noise first (with sigma far above the radius it often lands far enough);
  // otherwise push the draw's direction out to just beyond the radius plus its own noise length.
  for (let i = 0; i < 20; i++) {
    const ok = accept([clip(x + rng.gaussian() * ctx.sigma), clip(y + rng.gaussian() * ctx.sigma)]);
    if (ok) return ok;
  }
  const radius = Math.max(AMS_CLICK_RADIUS, typeof ctx.minDistance === 'number' ? ctx.minDistance : 0);
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
 * The rejected action string for one strategy, or undefined when it cannot apply or finds no
 * action the official matcher scores as wrong (e.g. a sam2_bbox covering the whole screen).
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
  return rejected && !scoresCorrect(rejected, ctx) ? formatOdysseyAction(rejected) : undefined;
}
