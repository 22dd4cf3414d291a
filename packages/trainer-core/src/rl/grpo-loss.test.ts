import { expect, it } from 'vitest';
import { tensor } from '../ops/create.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { values } from '../test-utils/read.js';
import { type GrpoLossType, grpoLoss } from './grpo-loss.js';

// Two completions over three positions: row 0 predicts completion tokens at t = 1, 2; row 1 at t = 2.
const LOGPS = [-1, -2, -0.5, -0.3, -1.2, -0.7];
const OLD = [-1, -1.9, -0.7, -0.3, -1.2, -0.2];
const REF = [-1, -2.5, -0.5, 0, -1, -1];
const MASK = Float32Array.from([0, 1, 1, 0, 0, 1]);
const ADVANTAGES = Float64Array.from([1.5, -0.5]);
const BETA = 0.1;
const EPS = 0.2;

/** The formula, written out per token on plain numbers: the expectation the tensors are held to. */
function expected(lossType: GrpoLossType, maxLen: number) {
  const perToken: number[] = [];
  const kls: number[] = [];
  let clipped = 0;
  for (let i = 0; i < 6; i++) {
    if (!MASK[i]) continue;
    const a = ADVANTAGES[Math.floor(i / 3)]!;
    const ratio = Math.exp(LOGPS[i]! - OLD[i]!);
    const clip = Math.min(Math.max(ratio, 1 - EPS), 1 + EPS);
    const delta = REF[i]! - LOGPS[i]!;
    const kl = Math.exp(delta) - delta - 1;
    kls.push(kl);
    perToken.push(-Math.min(ratio * a, clip * a) + BETA * kl);
    if ((ratio < 1 - EPS && a < 0) || (ratio > 1 + EPS && a > 0)) clipped++;
  }
  const [t01, t02, t12] = perToken as [number, number, number];
  const loss =
    lossType === 'grpo'
      ? ((t01 + t02) / 2 + t12) / 2
      : lossType === 'bnpo'
        ? (t01 + t02 + t12) / 3
        : (t01 + t02 + t12) / (2 * maxLen);
  return { loss, kl: kls.reduce((s, k) => s + k, 0) / 3, clipRatio: clipped / 3 };
}

describeEachBackend('grpoLoss', () => {
  it.each(['grpo', 'bnpo', 'dr_grpo'] as const)(
    '%s: clipped ratio times advantage plus beta KL, reduced as named',
    async (lossType) => {
      const run = (pick: 'loss' | 'kl' | 'clipRatio') =>
        values(() => {
          const out = grpoLoss(
            {
              logps: tensor(LOGPS, [2, 3]),
              oldLogps: tensor(OLD, [2, 3]),
              refLogps: tensor(REF, [2, 3]),
              advantages: ADVANTAGES,
              mask: MASK,
            },
            { beta: BETA, epsilonLow: EPS, epsilonHigh: EPS, lossType, maxCompletionLength: 4 },
          );
          return out[pick]!;
        });
      const want = expected(lossType, 4);
      expect((await run('loss'))[0]).toBeCloseTo(want.loss, 5);
      expect((await run('kl'))[0]).toBeCloseTo(want.kl, 5);
      // row 0's second token is clipped high (ratio e^0.2 > 1.2, A > 0), row 1's low (e^-0.5 < 0.8, A < 0)
      expect((await run('clipRatio'))[0]).toBeCloseTo(2 / 3, 6);
      expect(want.clipRatio).toBeCloseTo(2 / 3, 12);
    },
  );

  it('with one update per generation (no old log-probs) the gradient is the policy gradient plus the KL pull', async () => {
    const logps = tensor(LOGPS, [2, 3]);
    logps.requiresGrad = true;
    const { loss, clipRatio } = grpoLoss(
      { logps, refLogps: tensor(REF, [2, 3]), advantages: ADVANTAGES, mask: MASK },
      { beta: BETA, epsilonLow: EPS, epsilonHigh: EPS, lossType: 'grpo', maxCompletionLength: 4 },
    );
    loss.backward();
    expect((await clipRatio.array())[0]).toBe(0);
    // d/dlogp of w * (-A * ratio + beta * KL) at ratio 1: w * (-A + beta * (1 - exp(ref - logp))); w = 1 / (rows * tokens of the row)
    const weight = [0, 1 / 4, 1 / 4, 0, 0, 1 / 2];
    const want = LOGPS.map(
      (l, i) => weight[i]! * (-ADVANTAGES[Math.floor(i / 3)]! + BETA * (1 - Math.exp(REF[i]! - l))),
    );
    const got = await logps.grad!.array();
    for (const [i, g] of got.entries()) expect(g).toBeCloseTo(want[i]!, 5);
    loss.dispose();
    clipRatio.dispose();
    logps.dispose();
  });
});
