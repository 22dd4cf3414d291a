import path from 'node:path';
import {
  causalLMLogits,
  DpoConfigSchema,
  ExampleBatches,
  LlamaForCausalLM,
  moduleTarget,
  parseTrainingConfig,
  Trainer,
  TrainingRng,
  tidy,
} from '@guinav/trainer-core';
import { describe, expect, it } from 'vitest';
import type { DpoLossType } from './dpo-loss.js';
import { DpoObjective } from './dpo-objective.js';
import type { PreferenceBatch, PreferenceExample } from './preference-batch.js';
import { precomputeReferenceLogps } from './reference-logps.js';
import { collate, MICRO_LLAMA, tempRoot } from './test-utils/micro-llama.js';

const root = tempRoot('guinav-dpo-ref-');

const config = MICRO_LLAMA;

/** Prompts of 1-3 tokens, completions of 1-3 tokens: batches are padded differently in each order. */
function pairs(n: number): PreferenceExample[] {
  const rng = new TrainingRng(7);
  const ids = (len: number) => Int32Array.from({ length: len }, () => 1 + rng.int(14));
  return Array.from({ length: n }, () => ({
    prompt: ids(1 + rng.int(3)),
    chosen: ids(1 + rng.int(3)),
    rejected: ids(1 + rng.int(3)),
  }));
}

/** Logs of a few DPO steps from the same start model: live reference, or log-probs precomputed with it. */
async function train(lossType: DpoLossType, precompute: boolean) {
  const policy = new LlamaForCausalLM(config, { seed: 3 });
  const reference = new LlamaForCausalLM(config, { seed: 3 }).freeze();
  const dpo = parseTrainingConfig(DpoConfigSchema, {
    output_dir: path.join(root, `${lossType}-${precompute}`),
    max_steps: 4,
    learning_rate: 2e-2,
    per_device_train_batch_size: 3,
    logging_steps: 1,
    save_strategy: 'no',
    loss_type: lossType,
  });
  let examples = pairs(9);
  if (precompute) {
    // A batch size unlike training's: each pair's value must not depend on its batch mates.
    examples = await precomputeReferenceLogps(examples, {
      collate,
      reference: causalLMLogits(reference),
      batchSize: 4,
      lossType,
    });
    reference.dispose();
  }
  const { logHistory } = await new Trainer<PreferenceBatch>({
    config: dpo,
    target: moduleTarget(policy),
    objective: new DpoObjective({
      policy: causalLMLogits(policy),
      reference: precompute ? undefined : causalLMLogits(reference),
      beta: dpo.beta,
      lossType,
    }),
    train: new ExampleBatches(examples, collate, { batchSize: 3, seed: 5 }),
  }).run();
  policy.dispose();
  if (!precompute) reference.dispose();
  return logHistory;
}

describe('precomputeReferenceLogps', () => {
  it('stores each pair the reference log-probs of the live reference, in order, with progress', async () => {
    const reference = new LlamaForCausalLM(config, { seed: 3 }).freeze();
    const examples = pairs(5);
    const progress: number[][] = [];
    const scored = await precomputeReferenceLogps(examples, {
      collate,
      reference: causalLMLogits(reference),
      batchSize: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
    // Each pair alone through the live reference (loss ln 2 needs policy = reference; here only the values).
    const live = new DpoObjective({ policy: causalLMLogits(reference), reference: causalLMLogits(reference), beta: 1 });
    scored.forEach((e, i) => {
      expect(e.prompt).toBe(examples[i]!.prompt);
      const m = tidy(() => {
        const out = live.forward(collate([examples[i]!])).metrics;
        return [out['logps/chosen']!.arraySync()[0]!, out['logps/rejected']!.arraySync()[0]!];
      });
      expect(e.refChosenLogp).toBeCloseTo(m[0]!, 5);
      expect(e.refRejectedLogp).toBeCloseTo(m[1]!, 5);
    });
    expect(examples[0]!.refChosenLogp).toBeUndefined();
    reference.dispose();
  });

  it.each(['sigmoid', 'ipo'] as const)(
    '%s: training on precomputed log-probs logs what the live reference gives, step for step',
    async (lossType) => {
      const live = await train(lossType, false);
      const precomputed = await train(lossType, true);
      expect(precomputed).toHaveLength(live.length);
      expect(live.length).toBe(4);
      live.forEach((row, i) => {
        for (const [key, value] of Object.entries(row)) {
          expect(precomputed[i]![key], `step ${i + 1} ${key}`).toBeCloseTo(value as number, 4);
        }
      });
      // The run did learn something, so equal curves are not two flat lines.
      expect(live.at(-1)!['rewards/margins']).not.toBeCloseTo(0, 4);
    },
  );

  it('refuses a batch size below 1', async () => {
    await expect(
      precomputeReferenceLogps(pairs(1), { collate, reference: () => undefined as never, batchSize: 0 }),
    ).rejects.toThrow(/batch size must be a positive integer, got 0/);
  });
});
