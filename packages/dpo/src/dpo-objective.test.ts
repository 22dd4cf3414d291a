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
import { DpoObjective } from './dpo-objective.js';
import type { PreferenceBatch, PreferenceExample } from './preference-batch.js';
import { collate, MICRO_LLAMA, tempRoot } from './test-utils/micro-llama.js';

const root = tempRoot('guinav-dpo-');

const config = MICRO_LLAMA;

/** Prompt [a]; chosen [a + 1, 15], rejected [a + 2, 15]. */
function pairs(n: number): PreferenceExample[] {
  const rng = new TrainingRng(4);
  return Array.from({ length: n }, () => {
    const a = 1 + rng.int(12);
    return { prompt: Int32Array.of(a), chosen: Int32Array.of(a + 1, 15), rejected: Int32Array.of(a + 2, 15) };
  });
}

function models() {
  const policy = new LlamaForCausalLM(config, { seed: 3 });
  // The model DPO starts from, frozen: same weights as the policy at step 0.
  const reference = new LlamaForCausalLM(config, { seed: 3 }).freeze();
  return { policy, reference };
}

describe('DpoObjective', () => {
  it('starts at loss ln 2 and zero rewards when the reference is the model DPO starts from', () => {
    const { policy, reference } = models();
    const objective = new DpoObjective({
      policy: causalLMLogits(policy),
      reference: causalLMLogits(reference),
      beta: 0.1,
    });
    const batch = collate(pairs(4));
    const out = tidy(() => {
      const o = objective.forward(batch);
      return { loss: o.loss.arraySync()[0]!, chosen: o.metrics['rewards/chosen']!.arraySync()[0]! };
    });
    expect(out.loss).toBeCloseTo(Math.LN2, 6);
    expect(out.chosen).toBeCloseTo(0, 6);
    // A different reference (as the pre-SFT model would be) does not start there.
    const other = new LlamaForCausalLM(config, { seed: 99 }).freeze();
    const wrong = new DpoObjective({ policy: causalLMLogits(policy), reference: causalLMLogits(other), beta: 0.1 });
    const wrongLoss = tidy(() => wrong.forward(batch).loss.arraySync()[0]!);
    expect(Math.abs(wrongLoss - Math.LN2)).toBeGreaterThan(1e-3);
    for (const m of [policy, reference, other]) m.dispose();
  });

  it("adds rpo_alpha x the chosen completions' mean NLL (TRL's RPO), logged as nll_loss", () => {
    const { policy, reference } = models();
    const data = pairs(3);
    const batch = collate(data);
    const logits = causalLMLogits(policy);
    const rpo = new DpoObjective({ policy: logits, reference: causalLMLogits(reference), beta: 0.1, rpoAlpha: 0.5 });
    const out = tidy(() => {
      const o = rpo.forward(batch);
      return { loss: o.loss.arraySync()[0]!, nll: o.metrics.nll_loss!.arraySync()[0]! };
    });
    // By hand: the model's next-token log-softmax over each chosen completion token.
    let total = 0;
    let tokens = 0;
    for (const e of data) {
      const single = collate([{ ...e, rejected: e.chosen }]);
      const flat = tidy(() => logits(single).arraySync());
      const vocab = config.vocabSize;
      const ids = [...e.prompt, ...e.chosen];
      expect(single.seq).toBe(ids.length);
      for (let t = e.prompt.length; t < ids.length; t++) {
        const row = Array.from(flat.slice((t - 1) * vocab, t * vocab));
        const max = Math.max(...row);
        const logZ = max + Math.log(row.reduce((acc, v) => acc + Math.exp(v - max), 0));
        total -= row[ids[t]!]! - logZ;
        tokens++;
      }
    }
    expect(out.nll).toBeCloseTo(total / tokens, 5);
    // The DPO part still starts at ln 2 (policy = reference).
    expect(out.loss).toBeCloseTo(Math.LN2 + 0.5 * (total / tokens), 5);
    policy.dispose();
    reference.dispose();
  });

  it('scores each row by the SUM of its completion log-probs; precomputed reference log-probs give the same loss', () => {
    const { policy, reference } = models();
    const data = pairs(3);
    const objective = new DpoObjective({
      policy: causalLMLogits(policy),
      reference: causalLMLogits(reference),
      beta: 0.5,
    });
    const batch = collate(data);
    const fromModel = tidy(() => objective.forward(batch).metrics['logps/chosen']!.arraySync()[0]!);
    // The same sum by hand: log-softmax of the policy's logits at each completion token.
    const byHand = tidy(() => {
      const logits = causalLMLogits(policy)(batch).arraySync();
      const V = 16;
      let total = 0;
      data.forEach((e, row) => {
        const ids = [...e.prompt, ...e.chosen];
        for (let t = e.prompt.length; t < ids.length; t++) {
          const at = (row * batch.seq + t - 1) * V;
          const slice = logits.slice(at, at + V);
          const m = Math.max(...slice);
          const lse = m + Math.log(slice.reduce((s, v) => s + Math.exp(v - m), 0));
          total += slice[ids[t]!]! - lse;
        }
      });
      return total / data.length;
    });
    expect(fromModel).toBeCloseTo(byHand, 5);
    // Precompute the reference's log-probs into the examples (scoring the reference as the policy
    // of a one-pair batch; the zero refLogps only stand in for the reference it does not need).
    const withRef = tidy(() => objective.forward(batch).loss.arraySync()[0]!);
    const precomputedExamples = data.map((e) => {
      const b = collate([e]);
      const lp = tidy(
        () =>
          new DpoObjective({ policy: causalLMLogits(reference), beta: 0.5 }).forward({
            ...b,
            refLogps: new Float32Array(2),
          }).metrics,
      );
      const r = { chosen: lp['logps/chosen']!.arraySync()[0]!, rejected: lp['logps/rejected']!.arraySync()[0]! };
      for (const t of Object.values(lp)) t.dispose();
      return { ...e, refChosenLogp: r.chosen, refRejectedLogp: r.rejected };
    });
    const precomputed = new DpoObjective({ policy: causalLMLogits(policy), beta: 0.5 });
    const withPrecomputed = tidy(() => precomputed.forward(collate(precomputedExamples)).loss.arraySync()[0]!);
    expect(withPrecomputed).toBeCloseTo(withRef, 5);
    for (const m of [policy, reference]) m.dispose();
  });

  it('raises rewards/accuracies and margins when trained with the shared Trainer', async () => {
    const { policy, reference } = models();
    const dpo = parseTrainingConfig(DpoConfigSchema, {
      output_dir: path.join(root, 'dpo'),
      max_steps: 40,
      learning_rate: 2e-2,
      per_device_train_batch_size: 4,
      logging_steps: 10,
      save_strategy: 'no',
    });
    const trainer = new Trainer<PreferenceBatch>({
      config: dpo,
      target: moduleTarget(policy),
      objective: new DpoObjective({
        policy: causalLMLogits(policy),
        reference: causalLMLogits(reference),
        beta: dpo.beta,
      }),
      train: new ExampleBatches(pairs(16), collate, { batchSize: 4, seed: 1 }),
    });
    const { logHistory } = await trainer.run();
    const first = logHistory[0]!;
    const last = logHistory.at(-1)!;
    for (const key of [
      'rewards/chosen',
      'rewards/rejected',
      'rewards/accuracies',
      'rewards/margins',
      'logps/chosen',
      'logps/rejected',
      'logits/chosen',
      'logits/rejected',
      'loss',
      'grad_norm',
      'learning_rate',
      'epoch',
    ]) {
      expect(last, key).toHaveProperty([key]);
    }
    expect(last['rewards/accuracies']).toBe(1);
    expect(last['rewards/margins']!).toBeGreaterThan(first['rewards/margins']!);
    expect(last.loss!).toBeLessThan(first.loss!);
    for (const m of [policy, reference]) m.dispose();
  });
});
