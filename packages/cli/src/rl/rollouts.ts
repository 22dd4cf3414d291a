/**
 * GE-Lab's two kinds of GRPO rollouts for a chat policy (the built-in VLM or any LLaVA folder):
 * - single-turn: G answers to each st_rl record's prompt, each scored by the reward functions
 *   against the record's solution and box;
 * - multi-turn: G episodes per mt_rl task in eval-env's simulator, under GE-Lab's rollout history
 *   rule, for at most `maxTurns` turns, ending on `complete` (gelab_multi_turn) or on the click
 *   that reaches the target (gelab_multi_turn_wo_complete); as in GE-Lab, the episode's LAST turn
 *   (its prompt, screenshot and answer) is the completion that is rewarded and trained on.
 * Every sampling seed comes from the trainer's generator, drawn in a fixed order before any
 * generation starts, so rollouts are reproducible and resume exactly; concurrent requests are
 * generated together by the chat's batcher.
 */

import type { World } from '@guinav/data-gen';
import {
  type NamedReward,
  type RewardInput,
  type ScreenshotStore,
  Simulator,
  type SuccessVariant,
} from '@guinav/eval-env';
import type { ChatReply, LlavaChat, ObjectiveContext, Rollout, RolloutFunction } from '@guinav/trainer-core';
import type { RlRecord } from './rl-records.js';

export interface RolloutSetup {
  chat: LlavaChat;
  rewards: readonly NamedReward[];
  numGenerations: number;
}

export interface MultiTurnSetup extends RolloutSetup {
  world: World;
  screenshots: ScreenshotStore;
  variant: SuccessVariant;
  maxTurns: number;
}

function rollout(reply: ChatReply, rewards: readonly NamedReward[], input: RewardInput): Rollout {
  return {
    promptIds: reply.prompt.ids,
    pixelValues: reply.prompt.pixelValues,
    completionIds: reply.tokens,
    rewards: rewards.map((r) => r.score(input)),
  };
}

/** Samples with the model in evaluation mode (no dropout), restoring its mode afterwards. */
async function sampling<T>(chat: LlavaChat, work: () => Promise<T>): Promise<T> {
  const was = chat.model.training;
  chat.model.eval();
  try {
    return await work();
  } finally {
    chat.model.train(was);
  }
}

/** G seeds per prompt, drawn before anything runs. */
function seeds(count: number, g: number, context: ObjectiveContext): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: g }, () => context.rng.nextU32()));
}

export function singleTurnRollouts(s: RolloutSetup): RolloutFunction<RlRecord> {
  return (records, context) => {
    const drawn = seeds(records.length, s.numGenerations, context);
    return sampling(s.chat, () =>
      Promise.all(
        records.map((r, i) =>
          Promise.all(
            drawn[i]!.map(async (seed) => {
              const messages = [{ role: 'user', content: r.problem }];
              const reply = await s.chat.respond({ messages, images: [r.image], seed });
              const input = { completion: reply.text ?? '', prompt: r.problem, solution: r.solution };
              return rollout(reply, s.rewards, r.bboxNorm ? { ...input, bboxNorm: r.bboxNorm } : input);
            }),
          ),
        ),
      ),
    );
  };
}

/** A turn's seed from its episode's (episodes stay independent of batching and of each other). */
const turnSeed = (seed: number, turn: number) => (seed + Math.imul(turn, 0x9e3779b9)) >>> 0;

async function episode(s: MultiTurnSetup, record: RlRecord, seed: number): Promise<Rollout> {
  if (!record.source || !record.target) {
    throw new Error(
      `${record.where}: no task: expected "task": "From page_X to page_Y" or an instruction in "problem"`,
    );
  }
  const sim = new Simulator(s.world, {
    variant: s.variant,
    maxSteps: s.maxTurns,
    screenshots: s.screenshots,
    history: 'rollout',
  });
  let observation = sim.reset({ source: record.source, target: record.target });
  const first = observation.messages.at(-1)?.content;
  if (first !== record.problem) {
    throw new Error(
      `${record.where}: "problem" is not the simulator's first prompt (${JSON.stringify(first)}); is --ui-structure the world the dataset was made from?`,
    );
  }
  for (let turn = 0; ; turn++) {
    const prompt = observation.messages.at(-1)?.content as string;
    const reply = await s.chat.respond({
      messages: observation.messages.map((m) => ({ ...m })),
      images: [observation.screenshot!.path],
      seed: turnSeed(seed, turn),
    });
    const completion = reply.text ?? '';
    const result = sim.step(completion);
    if (result.done) {
      const input = { completion, prompt, solution: record.solution };
      return rollout(reply, s.rewards, record.bboxNorm ? { ...input, bboxNorm: record.bboxNorm } : input);
    }
    observation = result.observation;
  }
}

export function multiTurnRollouts(s: MultiTurnSetup): RolloutFunction<RlRecord> {
  return (records, context) => {
    const drawn = seeds(records.length, s.numGenerations, context);
    return sampling(s.chat, () =>
      Promise.all(records.map((r, i) => Promise.all(drawn[i]!.map((seed) => episode(s, r, seed))))),
    );
  };
}
