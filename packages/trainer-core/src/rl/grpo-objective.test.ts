import { describe, expect, it } from 'vitest';
import { generate } from '../generate/generate.js';
import { LlamaForCausalLM } from '../models/llama/modeling.js';
import { TrainingRng } from '../random/training-rng.js';
import { MICRO_LLAMA } from '../test-utils/micro-llama.js';
import { tempDirs } from '../test-utils/temp-dirs.js';
import { ExampleBatches } from '../train/batches.js';
import { parseTrainingConfig } from '../train/config.js';
import { moduleTarget } from '../train/module-target.js';
import { causalLMLogits } from '../train/sft-objective.js';
import { Trainer, type TrainerEvent } from '../train/trainer.js';
import { GrpoConfigSchema } from './grpo-config.js';
import { type GrpoBatch, GrpoObjective, type Rollout } from './grpo-objective.js';

const tmp = tempDirs('guinav-grpo-');

const EOS = 15;

/** Two-token prompts. */
function prompts(n: number): Int32Array[] {
  const rng = new TrainingRng(11);
  return Array.from({ length: n }, () => Int32Array.from([1 + rng.int(13), 1 + rng.int(13)]));
}

/** Toy rewards with a known best answer: "low" = share of generated tokens below 8, "ended" = stopped with EOS. */
const low = (tokens: readonly number[]) => tokens.filter((t) => t < 8).length / tokens.length;
const ended = (tokens: readonly number[]) => (tokens.at(-1) === EOS ? 1 : 0);

function setup(overrides: Record<string, unknown>) {
  const config = parseTrainingConfig(GrpoConfigSchema, {
    output_dir: tmp(),
    learning_rate: 3e-2,
    num_generations: 4,
    per_device_train_batch_size: 8,
    temperature: 1,
    top_k: 0,
    top_p: 1,
    max_completion_length: 4,
    logging_steps: 1,
    save_steps: 1000,
    ...overrides,
  });
  const model = new LlamaForCausalLM(MICRO_LLAMA, { seed: 3 });
  const reference = new LlamaForCausalLM(MICRO_LLAMA, { seed: 3 });
  reference.freeze();
  const g = config.num_generations;
  const objective = new GrpoObjective<Int32Array>({
    rollout: async (batch, { rng }) => {
      const requests = batch.flatMap((p) => Array.from({ length: g }, () => ({ ids: [...p], seed: rng.nextU32() })));
      const results = await generate(model, requests, {
        maxNewTokens: config.max_completion_length,
        eosTokenIds: [EOS],
        temperature: config.temperature,
      });
      const rollouts: Rollout[] = results.map((r, i) => ({
        promptIds: requests[i]!.ids,
        completionIds: r.tokens,
        rewards: [low(r.tokens), ended(r.tokens)],
      }));
      return batch.map((_, i) => rollouts.slice(i * g, (i + 1) * g));
    },
    rewardNames: ['low', 'ended'],
    policy: causalLMLogits(model),
    reference: causalLMLogits(reference),
    collate: { padId: 0, imageTokenId: -1, tokensPerImage: 0 },
    numGenerations: g,
    beta: config.beta,
    epsilon: config.epsilon,
    lossType: config.loss_type,
    scaleRewards: config.scale_rewards,
    maxCompletionLength: config.max_completion_length,
  });
  const train = new ExampleBatches(prompts(16), (ps: Int32Array[]) => ps, {
    batchSize: config.per_device_train_batch_size / g,
    seed: config.seed,
  });
  const run = (extra: { signal?: AbortSignal; onEvent?: (e: TrainerEvent) => void } = {}) =>
    new Trainer<readonly Int32Array[], GrpoBatch>({
      config,
      target: moduleTarget(model),
      objective,
      train,
      ...extra,
    }).run();
  return {
    config,
    run,
    dispose: () => {
      model.dispose();
      reference.dispose();
    },
  };
}

const metric = (history: Record<string, number>[], key: string) => history.filter((r) => key in r).map((r) => r[key]!);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('GRPO on the Trainer', () => {
  it('raises the mean reward of a tiny model within a few dozen steps, logging TRL metrics', async () => {
    const s = setup({ max_steps: 40 });
    const result = await s.run();
    const reward = metric(result.logHistory, 'reward');
    expect(reward).toHaveLength(40);
    // seeded and deterministic: about 0.75 over the first 8 steps, 1.17 over the last 8 (of 2)
    expect(mean(reward.slice(-8))).toBeGreaterThan(mean(reward.slice(0, 8)) + 0.25);
    const last = result.logHistory.at(-1)!;
    expect(Object.keys(last).sort()).toEqual(
      [
        'clip_ratio',
        'completion_length',
        'epoch',
        'grad_norm',
        'kl',
        'learning_rate',
        'loss',
        'num_tokens',
        'reward',
        'reward_std',
        'rewards/ended',
        'rewards/low',
        'step',
      ].sort(),
    );
    // the reward is the sum of the two functions (weights 1); one update per generation never clips
    expect(last.reward).toBeCloseTo(last['rewards/low']! + last['rewards/ended']!, 6);
    expect(last.clip_ratio).toBe(0);
    expect(last.kl).toBeGreaterThan(0);
    s.dispose();
  });

  it('resumes exactly: rollouts and losses after resuming equal an uninterrupted run', async () => {
    const straight = setup({ max_steps: 6 });
    const full = (await straight.run()).logHistory;
    straight.dispose();
    const first = setup({ max_steps: 6 });
    const controller = new AbortController();
    const stopped = await first.run({
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 3) controller.abort();
      },
    });
    expect(stopped.status).toBe('interrupted');
    first.dispose();
    const second = setup({ max_steps: 6, output_dir: first.config.output_dir, resume_from_checkpoint: 'latest' });
    const resumed = (await second.run()).logHistory;
    for (const key of ['loss', 'reward', 'completion_length']) expect(metric(resumed, key)).toEqual(metric(full, key));
    second.dispose();
  });

  it('needs whole groups in a micro-batch and a reference when beta > 0', () => {
    expect(() =>
      parseTrainingConfig(GrpoConfigSchema, { output_dir: 'o', num_generations: 8, per_device_train_batch_size: 4 }),
    ).toThrow(/per_device_train_batch_size": must be a multiple of num_generations \(8\)/);
    expect(
      () =>
        new GrpoObjective({
          rollout: async () => [],
          rewardNames: ['r'],
          policy: () => {
            throw new Error('unused');
          },
          collate: { padId: 0, imageTokenId: -1, tokensPerImage: 0 },
          numGenerations: 2,
          beta: 0.04,
          epsilon: 0.2,
          lossType: 'grpo',
          scaleRewards: true,
          maxCompletionLength: 4,
        }),
    ).toThrow(/beta > 0 needs a reference/);
  });
});
