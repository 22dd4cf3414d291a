/**
 * DPO losses as TRL computes them (trl/trainer/dpo_trainer.py, `dpo_loss`), over per-example
 * sequence log-probabilities. With D = (logp(c) - ref(c)) - (logp(r) - ref(r)):
 * - sigmoid: -(1 - eps) log s(beta D) - eps log s(-beta D)   (label smoothing eps; cDPO)
 * - robust:  (-(1 - eps) log s(beta D) + eps log s(-beta D)) / (1 - 2 eps)
 * - hinge:   relu(1 - beta D)
 * - ipo:     (D - 1 / (2 beta))^2   (TRL averages each log-prob over its completion tokens
 *            before this; the objective does that when lossType is ipo)
 * log s is computed stably (no overflow even at |beta D| = 1000). Rewards are beta times the
 * log-ratios, detached, as TRL logs them.
 */
import { affine, logSigmoid, mul, neg, relu, scale, sub, type Tensor, tidy } from '@guinav/trainer-core';

export type DpoLossType = 'sigmoid' | 'ipo' | 'hinge' | 'robust';

export interface DpoLogps {
  policyChosenLogps: Tensor;
  policyRejectedLogps: Tensor;
  referenceChosenLogps: Tensor;
  referenceRejectedLogps: Tensor;
}

export interface DpoLossOptions {
  beta: number;
  lossType?: DpoLossType;
  /** eps of the sigmoid (cDPO) and robust losses; must be 0 for hinge and ipo. Default 0. */
  labelSmoothing?: number;
}

export interface DpoLossResult {
  /** Per-example losses (differentiable). */
  losses: Tensor;
  /** beta * (logp(c) - ref(c)), detached. */
  chosenRewards: Tensor;
  /** beta * (logp(r) - ref(r)), detached. */
  rejectedRewards: Tensor;
}

export function dpoLoss(logps: DpoLogps, options: DpoLossOptions): DpoLossResult {
  const { beta } = options;
  const type = options.lossType ?? 'sigmoid';
  const eps = options.labelSmoothing ?? 0;
  if (!(beta > 0) || !Number.isFinite(beta))
    throw new RangeError(`dpoLoss: beta must be a positive number, got ${beta}`);
  if (!(eps >= 0 && eps < 0.5)) throw new RangeError(`dpoLoss: labelSmoothing must be in [0, 0.5), got ${eps}`);
  if (eps > 0 && (type === 'hinge' || type === 'ipo')) {
    throw new RangeError(`dpoLoss: labelSmoothing applies to the sigmoid and robust losses, not ${type}`);
  }
  return tidy(() => {
    const chosen = sub(logps.policyChosenLogps, logps.referenceChosenLogps);
    const rejected = sub(logps.policyRejectedLogps, logps.referenceRejectedLogps);
    const d = sub(chosen, rejected);
    const bd = scale(d, beta);
    let losses: Tensor;
    switch (type) {
      case 'sigmoid':
        losses = sub(scale(logSigmoid(bd), -(1 - eps)), scale(logSigmoid(neg(bd)), eps));
        break;
      case 'robust':
        losses = scale(sub(scale(logSigmoid(neg(bd)), eps), scale(logSigmoid(bd), 1 - eps)), 1 / (1 - 2 * eps));
        break;
      case 'hinge':
        losses = relu(affine(bd, -1, 1));
        break;
      case 'ipo': {
        const centred = affine(d, 1, -1 / (2 * beta));
        losses = mul(centred, centred);
        break;
      }
    }
    return {
      losses,
      chosenRewards: scale(chosen, beta).detach(),
      rejectedRewards: scale(rejected, beta).detach(),
    };
  });
}
