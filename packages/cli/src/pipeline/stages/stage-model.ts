/**
 * A stage's model opened for evaluation, as `guinav predict` and the checkpoint agent open a
 * checkpoint: the folder (LLaVA or a text decoder) with the stage's adapter when it trained one.
 * Replies to dataset prompts (static scoring) and the simulator's agent share one batched chat, so
 * the episodes that ask together share a generation call.
 */
import type { Agent } from '@guinav/eval-env';
import type { Backend } from '@guinav/trainer-core';
import type { Responder } from '../../commands/train/model-data.js';
import { CheckpointAgent } from '../../serving/checkpoint-agent.js';
import { openLocalModel } from '../../serving/local-model.js';
import type { PipelineConfig } from '../config.js';
import type { ModelRef } from './train-stage.js';

export interface StageModel {
  name: string;
  respond: Responder;
  agent: Agent;
  dispose(): void;
}

export async function openStageModel(
  ref: ModelRef,
  name: string,
  config: PipelineConfig,
  backend: Backend,
): Promise<StageModel> {
  const model = await openLocalModel({
    model: ref.model,
    ...(ref.adapter ? { adapter: ref.adapter } : {}),
    device: config.device,
    backend,
    maxBatch: config.eval.batch_size,
    generation: { maxNewTokens: config.eval.max_new_tokens, temperature: 0 },
  });
  const respond: Responder = async (prompt) =>
    (await model.chat.respond({ ...prompt, ...model.prompt(prompt.messages, prompt.images) })).text ?? '';
  return { name, respond, agent: new CheckpointAgent(model, `checkpoint:${name}`), dispose: () => model.dispose() };
}
