import type { ActOptions, Agent, Observation } from '@guinav/eval-env';
import type { LocalModel } from './local-model.js';

/**
 * eval-env's Agent backed by a local checkpoint: the observation's prompt messages (data-gen's
 * prompt builder, as in the datasets) and its screenshot go to the model's chat, whose batcher
 * answers the episodes that ask together (the runner's --concurrency) with one generation call.
 * Sampling is seeded by the episode's seed and the step, as the HTTP agent seeds its requests,
 * so results do not depend on the concurrency.
 */
export class CheckpointAgent implements Agent {
  readonly name: string;

  constructor(
    private readonly model: LocalModel,
    name = `checkpoint:${model.name}`,
  ) {
    this.name = name;
  }

  async act(observation: Observation, options: ActOptions): Promise<string> {
    options.signal?.throwIfAborted();
    const images = observation.mode !== 'text' && observation.screenshot ? [observation.screenshot.path] : [];
    const prompt = this.model.prompt(observation.messages, images);
    const reply = await this.model.chat.respond({ ...prompt, seed: options.seed + observation.step });
    return reply.text ?? '';
  }
}
