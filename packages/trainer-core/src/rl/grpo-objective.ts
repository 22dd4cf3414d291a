/**
 * The GRPO objective for the shared Trainer loop. A batch is a list of prompts; `prepare` has the
 * rollout function sample G completions of each (any policy, single-turn or multi-turn, with its
 * rewards), weighs and sums the rewards, turns them into group-normalised advantages and lays the
 * rollouts out as one padded batch (prompt + completion, loss on the completion only); `forward`
 * scores the completions with the policy (and the frozen reference) and returns the GRPO loss
 * with TRL's metrics: reward, reward_std, rewards/<function>, completion_length, kl, clip_ratio.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { collateVisionLM, type VisionCollateOptions, type VisionLMBatch } from '../models/llava/batch.js';
import { scalar, tensor } from '../ops/create.js';
import { IGNORE_INDEX, tokenLogProbs } from '../ops/loss.js';
import type { Tensor } from '../tensor/tensor.js';
import { shiftAlignedLabels } from '../train/causal-lm-batch.js';
import type { ObjectiveContext, ObjectiveOutput, TrainingObjective } from '../train/trainer.js';
import { groupAdvantages } from './advantages.js';
import { type GrpoLossType, grpoLoss } from './grpo-loss.js';

/** One sampled completion: the prompt exactly as the policy saw it, what it generated, its rewards. */
export interface Rollout {
  /** Prompt token ids (image placeholders expanded). */
  promptIds: readonly number[];
  /** The prompt's images [n, C, H, W], for a vision-language policy. */
  pixelValues?: { data: Float32Array; shape: readonly number[] };
  /** Generated ids (the end token included when generation ended with it). */
  completionIds: readonly number[];
  /** One reward per reward function, in the objective's order. */
  rewards: readonly number[];
}

/** Samples `numGenerations` rewarded rollouts of each prompt: one group per prompt, in order. */
export type RolloutFunction<Q> = (prompts: readonly Q[], context: ObjectiveContext) => Promise<Rollout[][]>;

export interface GrpoObjectiveOptions<Q> {
  rollout: RolloutFunction<Q>;
  /** Names of the reward functions (metrics `rewards/<name>`), in the rollouts' order. */
  rewardNames: readonly string[];
  /** One weight per reward function (default 1 each): the reward is their weighted sum. */
  rewardWeights?: readonly number[] | null;
  /** The policy's logits [rows, seq, vocab] for a batch. */
  policy: (batch: VisionLMBatch) => Tensor;
  /** The frozen reference's logits (needed when beta > 0). */
  reference?: (batch: VisionLMBatch) => Tensor;
  /** How rows are padded and their images stacked. */
  collate: VisionCollateOptions;
  numGenerations: number;
  beta: number;
  epsilon: number;
  epsilonHigh?: number | null;
  lossType: GrpoLossType;
  scaleRewards: boolean;
  maxCompletionLength: number;
  /** Longest prompt + completion allowed (a longer row is an error, never silently cut). */
  maxLength?: number | null;
}

/** The rollouts of a batch of prompts, laid out for the loss. */
export interface GrpoBatch extends VisionLMBatch {
  advantages: Float64Array;
  /** [batch, seq] 1 where a completion token is predicted (the shifted labels). */
  completionMask: Float32Array;
  /** Host-side rollout metrics (rewards, lengths). */
  rolloutMetrics: Record<string, number>;
}

export class GrpoObjective<Q> implements TrainingObjective<readonly Q[], GrpoBatch> {
  private readonly weights: readonly number[];

  constructor(private readonly o: GrpoObjectiveOptions<Q>) {
    const n = o.rewardNames.length;
    if (n === 0) throw new Error('GRPO needs at least one reward function');
    if (o.rewardWeights && o.rewardWeights.length !== n) {
      throw new Error(`reward_weights has ${o.rewardWeights.length} values for ${n} reward functions`);
    }
    if (o.beta > 0 && !o.reference) throw new Error('GRPO with beta > 0 needs a reference model');
    this.weights = o.rewardWeights ?? new Array<number>(n).fill(1);
  }

  async prepare(prompts: readonly Q[], context: ObjectiveContext): Promise<GrpoBatch> {
    const groups = await this.o.rollout(prompts, context);
    const g = this.o.numGenerations;
    if (groups.length !== prompts.length || groups.some((group) => group.length !== g)) {
      throw new Error(`GRPO: the rollout function must return ${g} rollouts for each of the ${prompts.length} prompts`);
    }
    const rows = groups.flat();
    const names = this.o.rewardNames;
    for (const r of rows) {
      if (r.rewards.length !== names.length)
        throw new Error(`GRPO: a rollout has ${r.rewards.length} rewards for ${names.length} reward functions`);
    }
    const totals = rows.map((r) => r.rewards.reduce((s, v, i) => s + v * this.weights[i]!, 0));
    const stats = groupAdvantages(totals, g, this.o.scaleRewards);
    const metrics: Record<string, number> = { reward: stats.mean, reward_std: stats.meanGroupStd };
    names.forEach((name, i) => {
      metrics[`rewards/${name}`] = rows.reduce((s, r) => s + r.rewards[i]!, 0) / rows.length;
    });
    metrics.completion_length = rows.reduce((s, r) => s + r.completionIds.length, 0) / rows.length;
    const batch = collateVisionLM(rows.map(this.example, this), this.o.collate);
    const shifted = shiftAlignedLabels(batch.labels, batch.batch, batch.seq);
    const completionMask = Float32Array.from(shifted, (l) => (l === IGNORE_INDEX ? 0 : 1));
    return { ...batch, advantages: stats.advantages, completionMask, rolloutMetrics: metrics };
  }

  private example(r: Rollout) {
    const length = r.promptIds.length + r.completionIds.length;
    const max = this.o.maxLength;
    if (max && length > max) {
      throw new Error(
        `GRPO: a prompt of ${r.promptIds.length} tokens + a completion of ${r.completionIds.length} exceeds max_length ${max}; raise max_length or lower max_completion_length`,
      );
    }
    const inputIds = Int32Array.from([...r.promptIds, ...r.completionIds]);
    const labels = inputIds.map((id, t) => (t < r.promptIds.length ? IGNORE_INDEX : id));
    return { inputIds, labels, pixelValues: r.pixelValues };
  }

  forward(batch: GrpoBatch): ObjectiveOutput {
    const labels = tensor(shiftAlignedLabels(batch.labels, batch.batch, batch.seq), [batch.batch, batch.seq], 'i32');
    const logps = tokenLogProbs(this.o.policy(batch), labels);
    const reference = this.o.reference;
    const refLogps = this.o.beta > 0 && reference ? noGrad(() => tokenLogProbs(reference(batch), labels)) : undefined;
    const { loss, kl, clipRatio } = grpoLoss(
      { logps, refLogps, advantages: batch.advantages, mask: batch.completionMask },
      {
        beta: this.o.beta,
        epsilonLow: this.o.epsilon,
        epsilonHigh: this.o.epsilonHigh ?? this.o.epsilon,
        lossType: this.o.lossType,
        maxCompletionLength: this.o.maxCompletionLength,
      },
    );
    const metrics: Record<string, Tensor> = {};
    for (const [name, value] of Object.entries(batch.rolloutMetrics)) metrics[name] = scalar(value);
    if (kl) metrics.kl = kl;
    metrics.clip_ratio = clipRatio;
    return { loss, metrics, tokens: batch.tokens };
  }
}
