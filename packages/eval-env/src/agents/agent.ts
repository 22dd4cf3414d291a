import type { Observation } from '../sim/observation.js';

export interface ActOptions {
  /**
   * The episode's seed. Agents that sample derive their randomness from it and
   * `observation.step`, never from call order, so results do not depend on concurrency.
   */
  seed: number;
  /** Aborts a pending call (the run was cancelled). */
  signal?: AbortSignal;
}

/**
 * Anything that answers an observation with one GE-Lab action string: a scripted policy, a model
 * behind an HTTP endpoint, or (later) a local checkpoint. eval-env knows nothing about tensors;
 * whoever wraps a model implements this. `act` may reject: the runner records the step as failed
 * and carries on.
 */
export interface Agent {
  /** Shown in metrics and logs, e.g. `oracle` or `http:qwen2.5-vl-7b`. */
  readonly name: string;
  act(observation: Observation, options: ActOptions): Promise<string>;
}
