import {
  gelabHistory,
  gelabInstruction,
  gelabMessages,
  gelabTextView,
  getPage,
  type HistoryStep,
  type HistoryStyle,
  type ObservationMode,
  parseGelabAction,
  type World,
} from '@guinav/data-gen';
import {
  DEFAULT_MAX_STEPS,
  type EpisodeTrace,
  type NavigationGoal,
  type StepRecord,
  type SuccessVariant,
} from './episode.js';
import type { Observation } from './observation.js';
import { hitTest, pageScreen } from './screen.js';
import { ScreenshotStore } from './screenshots.js';

export interface SimulatorOptions {
  /** What the prompt shows: `image` (default, the published format), `text` or `both`. */
  observation?: ObservationMode;
  variant?: SuccessVariant;
  /** Steps per episode, misses and unparseable answers included. Default 12. */
  maxSteps?: number;
  /** Screenshots for `image`/`both`; pass one store to share its cache between simulators. */
  screenshots?: ScreenshotStore;
  /** Shorthand for `screenshots: new ScreenshotStore(world, imagesDir)`. */
  imagesDir?: string;
  /** Prepend data-gen's system prompt (only if the model was trained with it). */
  systemPrompt?: boolean;
  /** Which history the prompts show (default `dataset`; see the class comment). */
  history?: HistoryRule;
}

/**
 * `dataset`: the moves, written as the datasets write them (evaluation). `rollout`: GE-Lab's
 * multi-turn RL rollout rule (`swift/plugin/multi_turn.py`): every answer that does not end the
 * episode adds a step, whether the click moved or missed, naming the icon as the answer's second
 * space-separated word (`Explain:click Hotel_3 icon ...` -> `Hotel_3`; `None` without one) and the
 * page it was given on, joined with '.' and no final period.
 */
export type HistoryRule = HistoryStyle;
export const HISTORY_RULES: readonly HistoryRule[] = ['dataset', 'rollout'];

/** The icon multi_turn.py writes into the history: `answer.split(" ")[1]`, or `None`. */
export function rolloutNamedIcon(answer: string): string {
  return answer.split(' ')[1] ?? 'None';
}

export interface StepResult {
  record: StepRecord;
  done: boolean;
  success: boolean;
  observation: Observation;
}

/**
 * GE-Lab's interactive environment: the state is the current page; a click is hit-tested against
 * the page's boxes and follows the hit element's transition.
 *
 * HISTORY RULE: the history shown to the agent lists only clicks that changed the page, each as
 * the icon actually hit and the page it was on (`click Hotel_3 icon on page_7.`), exactly as the
 * dataset writes its shortest-path steps, whatever icon the agent named in its explanation.
 * Misses, clicks on elements without a transition, unparseable answers and agent failures leave
 * the page AND the history unchanged (the dataset has no wording for them, so showing one would
 * put the model out of distribution); they still count towards the step limit and are kept in the
 * trajectory. So `observation.step` counts every step while the history numbers only the clicks.
 * (`history: 'rollout'` switches to GE-Lab's RL rollout rule instead, see HistoryRule.)
 */
export class Simulator {
  readonly mode: ObservationMode;
  readonly variant: SuccessVariant;
  readonly maxSteps: number;
  private readonly screenshots: ScreenshotStore | undefined;
  private readonly systemPrompt: boolean;
  readonly historyRule: HistoryRule;
  private goal: NavigationGoal | undefined;
  private page = '';
  private history: HistoryStep[] = [];
  private trace: EpisodeTrace | undefined;

  constructor(
    readonly world: World,
    options: SimulatorOptions = {},
  ) {
    this.mode = options.observation ?? 'image';
    this.variant = options.variant ?? 'with-complete';
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    if (!Number.isInteger(this.maxSteps) || this.maxSteps < 1) {
      throw new Error(`maxSteps must be a positive integer, got ${options.maxSteps}`);
    }
    this.screenshots =
      options.screenshots ?? (options.imagesDir ? new ScreenshotStore(world, options.imagesDir) : undefined);
    if (this.mode !== 'text' && !this.screenshots) {
      throw new Error(`observation mode "${this.mode}" needs screenshots (an images folder); use "text" without one`);
    }
    this.systemPrompt = options.systemPrompt ?? false;
    this.historyRule = options.history ?? 'dataset';
  }

  /** Starts an episode on the task's source page. */
  reset(task: NavigationGoal): Observation {
    getPage(this.world, task.source);
    getPage(this.world, task.target);
    if (task.source === task.target) throw new Error(`task from ${task.source} to itself: nothing to navigate`);
    this.goal = { source: task.source, target: task.target };
    this.page = task.source;
    this.history = [];
    this.trace = {
      ...this.goal,
      variant: this.variant,
      maxSteps: this.maxSteps,
      steps: [],
      done: false,
      success: false,
      finalPage: task.source,
    };
    return this.observe();
  }

  /** Applies the agent's answer (GE-Lab output grammar) and returns what happened. */
  step(actionText: string): StepResult {
    const trace = this.activeTrace();
    const parsed = parseGelabAction(actionText);
    const base = { step: trace.steps.length + 1, page: this.page, action: actionText };
    let record: StepRecord;
    if (parsed.type === 'invalid') {
      record = { ...base, outcome: 'unparseable', nextPage: this.page, error: parsed.reason };
    } else if (parsed.type === 'complete') {
      record = { ...base, outcome: 'complete', nextPage: this.page };
    } else {
      const screen = pageScreen(this.world, this.page);
      const hit = hitTest(screen.elements, parsed.point);
      const next = hit ? screen.targets.get(hit.name) : undefined;
      if (!hit) record = { ...base, outcome: 'miss', point: parsed.point, nextPage: this.page };
      else if (next === undefined) {
        record = { ...base, outcome: 'no-transition', point: parsed.point, icon: hit.name, nextPage: this.page };
      } else {
        record = { ...base, outcome: 'moved', point: parsed.point, icon: hit.name, nextPage: next };
        if (this.historyRule === 'dataset') this.history.push({ icon: hit.name, page: this.page });
        this.page = next;
      }
    }
    if (this.historyRule === 'rollout' && record.outcome !== 'complete') {
      this.history.push({ icon: rolloutNamedIcon(actionText), page: record.page });
    }
    return this.finishStep(trace, record);
  }

  /** Records a step on which the agent produced no answer (it failed after its retries). */
  fail(error: string): StepResult {
    const trace = this.activeTrace();
    const record: StepRecord = {
      step: trace.steps.length + 1,
      page: this.page,
      action: '',
      outcome: 'agent-error',
      nextPage: this.page,
      error,
    };
    return this.finishStep(trace, record);
  }

  observe(): Observation {
    const goal = this.goal;
    const trace = this.trace;
    if (!goal || !trace) throw new Error('Simulator: call reset(task) before observe()');
    const screen = pageScreen(this.world, this.page);
    const shown = { page: this.page, elements: screen.elements };
    const observation: Observation = {
      task: goal,
      mode: this.mode,
      page: this.page,
      step: trace.steps.length,
      instruction: gelabInstruction(goal.source, goal.target),
      history: gelabHistory(this.history, this.historyRule),
      historySteps: [...this.history],
      elements: screen.elements,
      textView: gelabTextView(this.page, screen.elements),
      messages: gelabMessages({
        source: goal.source,
        target: goal.target,
        history: this.history,
        historyStyle: this.historyRule,
        mode: this.mode,
        screen: shown,
        system: this.systemPrompt,
      }),
    };
    if (this.screenshots) observation.screenshot = this.screenshots.get(this.page);
    return observation;
  }

  /** The episode so far (a copy). */
  trajectory(): EpisodeTrace {
    if (!this.trace) throw new Error('Simulator: no episode yet; call reset(task)');
    return { ...this.trace, steps: [...this.trace.steps] };
  }

  private activeTrace(): EpisodeTrace {
    if (!this.trace) throw new Error('Simulator: call reset(task) before step()');
    if (this.trace.done) throw new Error('Simulator: the episode is over; call reset(task) for a new one');
    return this.trace;
  }

  private finishStep(trace: EpisodeTrace, record: StepRecord): StepResult {
    trace.steps.push(record);
    trace.finalPage = this.page;
    const target = (this.goal as NavigationGoal).target;
    if (record.outcome === 'complete') {
      this.end(trace, 'complete', this.page === target);
    } else if (this.variant === 'click-only' && record.outcome === 'moved' && this.page === target) {
      this.end(trace, 'target-reached', true);
    } else if (trace.steps.length >= this.maxSteps) {
      this.end(trace, 'step-limit', false);
    }
    return { record, done: trace.done, success: trace.success, observation: this.observe() };
  }

  private end(trace: EpisodeTrace, reason: EpisodeTrace['endReason'], success: boolean): void {
    trace.done = true;
    trace.success = success;
    trace.endReason = reason;
  }
}
