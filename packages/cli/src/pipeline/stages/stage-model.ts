/**
 * A model folder opened for evaluation: replies to dataset prompts (static scoring) and an agent
 * for the simulator, both on one batched chat, so the episodes that ask together share a
 * generation call.
 */
import type { ActOptions, Agent, Observation } from '@guinav/eval-env';
import { type Backend, LlavaChat } from '@guinav/trainer-core';
import type { Responder } from '../../commands/train/model-data.js';
import type { PipelineConfig } from '../config.js';

export interface StageModel {
  name: string;
  respond: Responder;
  agent: Agent;
  dispose(): void;
}

export async function openStageModel(
  folder: string,
  name: string,
  config: PipelineConfig,
  backend: Backend,
): Promise<StageModel> {
  const chat = await LlavaChat.fromFolder(folder, {
    backend,
    maxBatch: config.eval.batch_size,
    generation: { maxNewTokens: config.eval.max_new_tokens, temperature: 0 },
  });
  const respond: Responder = async (prompt) => (await chat.respond(prompt)).text ?? '';
  const agent: Agent = {
    name: `checkpoint:${name}`,
    act: async (observation: Observation, options: ActOptions) => {
      options.signal?.throwIfAborted();
      const images = observation.screenshot ? [observation.screenshot.path] : [];
      return respond({
        messages: observation.messages.map((m) => ({ ...m })),
        images,
        seed: options.seed + observation.step,
      });
    },
  };
  return { name, respond, agent, dispose: () => chat.dispose() };
}
