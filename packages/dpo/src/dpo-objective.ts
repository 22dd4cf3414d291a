/**
 * The DPO objective for the shared Trainer loop. The policy and the reference score the
 * concatenated batch; each row's log-probability is the SUM over its completion tokens (the mean
 * for IPO, as current TRL); the loss is `dpoLoss`, and the metrics are TRL's: rewards/chosen,
 * rewards/rejected, rewards/accuracies, rewards/margins, logps/chosen, logps/rejected,
 * logits/chosen, logits/rejected.
 *
 * The reference is the model DPO starts from (after SFT: the SFT model, frozen), given as a
 * logits function evaluated without gradients, or as log-probs precomputed into the examples.
 */
import {
  add,
  compare,
  mean,
  mul,
  narrow,
  noGrad,
  type ObjectiveOutput,
  scale,
  sub,
  sum,
  type Tensor,
  type TrainingObjective,
  tensor,
} from '@guinav/trainer-core';
import { type DpoLossType, dpoLoss } from './dpo-loss.js';
import type { PreferenceBatch } from './preference-batch.js';
import { completionMask, completionMean, sequenceLogps } from './sequence-logps.js';

export interface DpoObjectiveOptions<B extends PreferenceBatch> {
  /** The trained model's logits [2 pairs, seq, vocab] for a batch. */
  policy: (batch: B) => Tensor;
  /** The frozen reference's logits; omit when every batch carries precomputed `refLogps`. */
  reference?: (batch: B) => Tensor;
  beta: number;
  lossType?: DpoLossType;
  labelSmoothing?: number;
  /** TRL's rpo_alpha: weight of the chosen completions' NLL added to the loss (logged as nll_loss). */
  rpoAlpha?: number | null;
}

interface SequenceScores {
  /** [2 pairs] sum (or mean) of completion token log-probs. */
  logps: Tensor;
  /** The chosen half's NLL: minus its token log-probs' sum over its token count (TRL's nll_loss). */
  chosenNll: Tensor;
  /** Mean logit over the chosen half's completion positions and the vocabulary (TRL's logits/chosen). */
  chosenMeanLogit: Tensor;
  rejectedMeanLogit: Tensor;
}

export class DpoObjective<B extends PreferenceBatch = PreferenceBatch> implements TrainingObjective<B> {
  constructor(private readonly o: DpoObjectiveOptions<B>) {}

  /** Per-row completion log-probs from logits, with the completion mask from the batch's labels. */
  private score(logits: Tensor, batch: B): SequenceScores {
    const m = completionMask(batch);
    const { mask, counts } = m;
    const sums = sequenceLogps(logits, batch, undefined, m);
    const logps = this.o.lossType === 'ipo' ? completionMean(sums, counts) : sums;
    // TRL: logits[:n][loss_mask[:n]].mean(), over all completion positions of the half and the vocabulary.
    const vocab = logits.shape[2]!;
    const rowSums = sum(mul(sum(logits, 2).detach(), mask), 1);
    const n = batch.pairs;
    /** Completion tokens of the half whose rows start at `from`. */
    const tokens = (from: number) => counts.subarray(from, from + n).reduce((a, b) => a + b, 0);
    const half = (from: number) => scale(sum(narrow(rowSums, 0, from, n)), 1 / Math.max(tokens(from) * vocab, 1));
    const chosenNll = scale(sum(narrow(sums, 0, 0, n)), -1 / Math.max(tokens(0), 1));
    return { logps, chosenNll, chosenMeanLogit: half(0), rejectedMeanLogit: half(n) };
  }

  private referenceLogps(batch: B): Tensor {
    if (batch.refLogps) return tensor(batch.refLogps, [batch.batch]);
    const reference = this.o.reference;
    if (!reference)
      throw new Error('DpoObjective: no reference model and no precomputed reference log-probs in the batch');
    return noGrad(() => sequenceLogps(reference(batch), batch, this.o.lossType));
  }

  forward(batch: B): ObjectiveOutput {
    const n = batch.pairs;
    const policy = this.score(this.o.policy(batch), batch);
    const ref = this.referenceLogps(batch);
    const chosen = (t: Tensor) => narrow(t, 0, 0, n);
    const rejected = (t: Tensor) => narrow(t, 0, n, n);
    const { losses, chosenRewards, rejectedRewards } = dpoLoss(
      {
        policyChosenLogps: chosen(policy.logps),
        policyRejectedLogps: rejected(policy.logps),
        referenceChosenLogps: chosen(ref),
        referenceRejectedLogps: rejected(ref),
      },
      { beta: this.o.beta, lossType: this.o.lossType, labelSmoothing: this.o.labelSmoothing },
    );
    const detached = policy.logps.detach();
    const rpo = this.o.rpoAlpha ?? null;
    return {
      loss: rpo === null ? mean(losses) : add(mean(losses), scale(policy.chosenNll, rpo)),
      metrics: {
        ...(rpo === null ? {} : { nll_loss: policy.chosenNll.detach() }),
        'rewards/chosen': mean(chosenRewards),
        'rewards/rejected': mean(rejectedRewards),
        'rewards/accuracies': mean(compare(chosenRewards, rejectedRewards, 'gt')),
        'rewards/margins': mean(sub(chosenRewards, rejectedRewards)),
        'logps/chosen': mean(chosen(detached)),
        'logps/rejected': mean(rejected(detached)),
        'logits/chosen': policy.chosenMeanLogit,
        'logits/rejected': policy.rejectedMeanLogit,
      },
      tokens: batch.tokens,
    };
  }
}
