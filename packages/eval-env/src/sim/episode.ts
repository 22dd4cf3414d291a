import type { Point } from '@guinav/data-gen';

/**
 * When an episode counts as a success.
 * - `with-complete`: the agent must answer `complete` while on the target page (GE-Lab's setup).
 * - `click-only`: the episode ends, successfully, on the click that reaches the target; this is the
 *   variant that removes the "premature complete" reward hack GE-Lab reports for multi-turn RL.
 * In both, `complete` ends the episode, and it is a success only on the target page (in
 * `click-only` the agent can never be on the target when it acts, so `complete` always fails).
 */
export type SuccessVariant = 'with-complete' | 'click-only';
export const SUCCESS_VARIANTS: readonly SuccessVariant[] = ['with-complete', 'click-only'];

/** GE-Lab's step limit; the paper says 12 (its case studies 10, its released code 8). */
export const DEFAULT_MAX_STEPS = 12;

/** Where an episode starts and where it should end. */
export interface NavigationGoal {
  source: string;
  target: string;
}

/**
 * What one step did.
 * - `moved`: the click hit an element with a transition; the page changed and the history grew.
 * - `no-transition`: the click hit an element that leads nowhere (a well-formed world has none).
 * - `miss`: the click hit no element. - `unparseable`: the text is not a click or `complete`.
 * - `complete`: the agent declared the task done. - `agent-error`: the agent failed to answer.
 * Every outcome but `moved` leaves the page unchanged.
 */
export type StepOutcome = 'moved' | 'no-transition' | 'miss' | 'unparseable' | 'complete' | 'agent-error';

export interface StepRecord {
  /** 1-based. */
  step: number;
  /** The page the action was taken on. */
  page: string;
  /** The agent's raw answer ('' when the agent failed). */
  action: string;
  outcome: StepOutcome;
  /** The click point on the 0..1000 scale, when the answer was a click. */
  point?: Point;
  /** The element the click hit (for `moved` and `no-transition`). */
  icon?: string;
  /** The page after the step. */
  nextPage: string;
  /** Why the answer was unparseable, or the agent's error. */
  error?: string;
}

/** `complete`: the agent said so; `target-reached`: click-only success; `step-limit`: ran out of steps. */
export type EndReason = 'complete' | 'target-reached' | 'step-limit';

/** The full trajectory of one episode. */
export interface EpisodeTrace extends NavigationGoal {
  variant: SuccessVariant;
  maxSteps: number;
  steps: StepRecord[];
  done: boolean;
  success: boolean;
  endReason?: EndReason;
  finalPage: string;
}
