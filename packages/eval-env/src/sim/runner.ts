import { setImmediate as nextTurn } from 'node:timers/promises';
import { hash32, type ObservationMode, type ProgressEvent, type World } from '@guinav/data-gen';
import type { Agent } from '../agents/agent.js';
import { type InteractiveMetrics, interactiveMetrics } from '../score/interactive-metrics.js';
import { DEFAULT_MAX_STEPS, type EpisodeTrace, type NavigationGoal, type SuccessVariant } from './episode.js';
import { ScreenshotStore } from './screenshots.js';
import { Simulator } from './simulator.js';

export interface InteractiveTask extends NavigationGoal {
  /** Shortest-path length: the task's Path@k bucket. */
  pathLength: number;
}

/** Progress of a run (phase `episodes`): episodes finished of all, and how many succeeded. */
export interface RunProgress extends ProgressEvent {
  phase: 'episodes';
  /** Episodes that succeeded so far. */
  successes: number;
}

export interface InteractiveRunOptions {
  world: World;
  tasks: readonly InteractiveTask[];
  agent: Agent;
  /** Attempts per task (k of Pass@k), default 1. */
  attempts?: number;
  maxSteps?: number;
  variant?: SuccessVariant;
  /** Default `image`; `text` needs no images. */
  observation?: ObservationMode;
  /** Screenshots folder, for `image` and `both`. */
  imagesDir?: string;
  /** Episodes in flight at once, default 1. */
  concurrency?: number;
  /** Base seed; each episode's seed derives from it, the task index and the attempt. Default 0. */
  seed?: number;
  systemPrompt?: boolean;
  /**
   * Stop the run after this many agent calls in a row failed (a server that is down, refuses the
   * key or keeps answering garbage), default 5; 0 never stops early. A run in which every call
   * failed is stopped at the end in any case: its metrics would only say 0%.
   */
  maxConsecutiveAgentErrors?: number;
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_CONSECUTIVE_AGENT_ERRORS = 5;

/** The agent keeps failing: the run stopped rather than score a model that never answered. */
export class AgentUnavailableError extends Error {
  constructor(
    /** Failed calls: in a row, or all of them. */
    readonly failures: number,
    readonly allFailed: boolean,
    readonly lastError: string,
  ) {
    super(
      allFailed
        ? `every one of the ${failures} agent call(s) failed; last error: ${lastError}`
        : `the agent failed ${failures} calls in a row, so the run was stopped; last error: ${lastError}`,
    );
    this.name = 'AgentUnavailableError';
  }
}

/** One episode as `episodes.jsonl` stores it. */
export interface EpisodeRecord extends EpisodeTrace {
  taskIndex: number;
  attempt: number;
  pathLength: number;
  seed: number;
}

export interface InteractiveRun {
  episodes: EpisodeRecord[];
  metrics: InteractiveMetrics;
}

/**
 * Scripted agents (oracle, random) answer without I/O, so a run would never give the event loop a
 * turn: Ctrl-C (the CLI's SIGINT handler aborts the signal) and timers would wait for the end of the
 * whole run. Each worker yields once every this many episodes.
 */
const EPISODES_PER_TURN = 32;

/** The seed of one episode: fixed by (base seed, task, attempt), whatever order episodes run in. */
export function episodeSeed(seed: number, taskIndex: number, attempt: number): number {
  return hash32(`${seed}/${taskIndex}/${attempt}`);
}

/**
 * Runs every task `attempts` times. A failing agent call (after the agent's own retries) is
 * recorded as an `agent-error` step and the episode goes on; cancellation stops the run, and so
 * does an agent that keeps failing (see maxConsecutiveAgentErrors, AgentUnavailableError).
 * Episodes come back in task order, then attempt order.
 */
export async function runInteractive(options: InteractiveRunOptions): Promise<InteractiveRun> {
  const attempts = positiveInt(options.attempts ?? 1, 'attempts');
  const concurrency = positiveInt(options.concurrency ?? 1, 'concurrency');
  const maxFailures = options.maxConsecutiveAgentErrors ?? DEFAULT_MAX_CONSECUTIVE_AGENT_ERRORS;
  if (!Number.isInteger(maxFailures) || maxFailures < 0) {
    throw new Error(`maxConsecutiveAgentErrors must be an integer >= 0, got ${maxFailures}`);
  }
  // Stops the other episodes in flight when the agent is given up on.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const calls = { total: 0, failed: 0, inARow: 0, lastError: '' };
  const onAgentCall = (error: unknown) => {
    calls.total++;
    if (error === undefined) {
      calls.inARow = 0;
      return;
    }
    calls.failed++;
    calls.inARow++;
    calls.lastError = error instanceof Error ? error.message : String(error);
    if (maxFailures > 0 && calls.inARow >= maxFailures && !stop.signal.aborted) {
      stop.abort(new AgentUnavailableError(calls.inARow, false, calls.lastError));
    }
  };
  const seed = options.seed ?? 0;
  const screenshots =
    options.observation !== 'text' && options.imagesDir
      ? new ScreenshotStore(options.world, options.imagesDir)
      : undefined;
  // An agent may walk to any page, so every page's screenshot must be there before the first step
  // (a missing one would otherwise surface halfway through as a failed agent call).
  await screenshots?.checkAll(options.world.pageIds);
  const simOptions = {
    observation: options.observation ?? 'image',
    variant: options.variant ?? 'with-complete',
    maxSteps: options.maxSteps,
    screenshots,
    systemPrompt: options.systemPrompt,
  } as const;

  const total = options.tasks.length * attempts;
  const episodes: EpisodeRecord[] = new Array(total);
  const progress: RunProgress = { phase: 'episodes', done: 0, total, successes: 0 };
  options.onProgress?.({ ...progress });
  let next = 0;
  const worker = async () => {
    const sim = new Simulator(options.world, simOptions);
    let sinceTurn = 0;
    for (let item = next++; item < total; item = next++) {
      if (++sinceTurn > EPISODES_PER_TURN) {
        sinceTurn = 0;
        await nextTurn();
      }
      const taskIndex = Math.floor(item / attempts);
      const attempt = item % attempts;
      const task = options.tasks[taskIndex] as InteractiveTask;
      const episode = episodeSeed(seed, taskIndex, attempt);
      const trace = await runEpisode(sim, options.agent, task, episode, signal, onAgentCall);
      episodes[item] = { taskIndex, attempt, pathLength: task.pathLength, seed: episode, ...trace };
      progress.done++;
      if (trace.success) progress.successes++;
      options.onProgress?.({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(total, 1)) }, worker));
  if (calls.total > 0 && calls.failed === calls.total) {
    throw new AgentUnavailableError(calls.failed, true, calls.lastError);
  }
  return {
    episodes,
    metrics: interactiveMetrics(episodes, {
      tasks: options.tasks.length,
      attempts,
      agent: options.agent.name,
      variant: simOptions.variant,
      observation: simOptions.observation,
      maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
      seed,
    }),
  };
}

/** Runs one episode; `onAgentCall` hears of every agent call: undefined when it answered, else its error. */
export async function runEpisode(
  sim: Simulator,
  agent: Agent,
  task: NavigationGoal,
  seed: number,
  signal?: AbortSignal,
  onAgentCall?: (error: unknown) => void,
): Promise<EpisodeTrace> {
  let observation = sim.reset(task);
  for (;;) {
    signal?.throwIfAborted();
    let answer: string;
    try {
      answer = await agent.act(observation, { seed, signal });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      onAgentCall?.(err);
      const result = sim.fail(err instanceof Error ? err.message : String(err));
      if (result.done) return sim.trajectory();
      observation = result.observation;
      continue;
    }
    onAgentCall?.(undefined);
    const result = sim.step(answer);
    if (result.done) return sim.trajectory();
    observation = result.observation;
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}
