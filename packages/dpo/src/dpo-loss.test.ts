import { tensor, tidy } from '@guinav/trainer-core';
import { describe, expect, it } from 'vitest';
import { type DpoLossType, dpoLoss } from './dpo-loss.js';

const logSigmoid = (x: number) => (x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x)));

function run(
  values: [number, number, number, number],
  options: { beta: number; lossType?: DpoLossType; labelSmoothing?: number },
  dtype: 'f32' | 'f64' = 'f64',
) {
  const [pc, pr, rc, rr] = values.map((v) => tensor(dtype === 'f64' ? new Float64Array([v]) : [v], [1], dtype));
  return tidy(() => {
    const r = dpoLoss(
      { policyChosenLogps: pc!, policyRejectedLogps: pr!, referenceChosenLogps: rc!, referenceRejectedLogps: rr! },
      options,
    );
    return {
      loss: r.losses.arraySync()[0]!,
      chosen: r.chosenRewards.arraySync()[0]!,
      rejected: r.rejectedRewards.arraySync()[0]!,
    };
  });
}

describe('dpoLoss (TRL formulas)', () => {
  // policy chosen -1, rejected -3; reference chosen -2, rejected -2.5: log-ratios 1 and -0.5, D = 1.5.
  const lp: [number, number, number, number] = [-1, -3, -2, -2.5];

  it('computes each loss type as TRL does', () => {
    const bd = 0.1 * 1.5;
    expect(run(lp, { beta: 0.1 }).loss).toBeCloseTo(-logSigmoid(bd), 12);
    expect(run(lp, { beta: 0.1, labelSmoothing: 0.1 }).loss).toBeCloseTo(
      -0.9 * logSigmoid(bd) - 0.1 * logSigmoid(-bd),
      12,
    );
    expect(run(lp, { beta: 0.1, lossType: 'robust', labelSmoothing: 0.1 }).loss).toBeCloseTo(
      (-0.9 * logSigmoid(bd) + 0.1 * logSigmoid(-bd)) / 0.8,
      12,
    );
    expect(run(lp, { beta: 0.1, lossType: 'hinge' }).loss).toBeCloseTo(1 - bd, 12);
    expect(run(lp, { beta: 0.1, lossType: 'ipo' }).loss).toBeCloseTo((1.5 - 1 / 0.2) ** 2, 12);
  });

  it('reports rewards as beta times the log-ratios', () => {
    const r = run(lp, { beta: 0.1 });
    expect(r.chosen).toBeCloseTo(0.1, 12);
    expect(r.rejected).toBeCloseTo(-0.05, 12);
  });

  it('stays finite where a naive log(sigmoid) overflows: |beta D| = 1000', () => {
    expect(run([0, -10000, 0, 0], { beta: 0.1 }, 'f32').loss).toBe(0);
    expect(run([-10000, 0, 0, 0], { beta: 0.1 }, 'f32').loss).toBeCloseTo(1000, 3);
    const x = tensor([-10000]);
    x.requiresGrad = true;
    tidy(() => {
      const zero = tensor([0]);
      dpoLoss(
        { policyChosenLogps: x, policyRejectedLogps: zero, referenceChosenLogps: zero, referenceRejectedLogps: zero },
        { beta: 0.1 },
      ).losses.backward();
    });
    // d/dx -log s(0.1 x) = -0.1 s(-0.1 x) -> -0.1 at x = -10000.
    expect(x.grad!.arraySync()[0]).toBeCloseTo(-0.1, 6);
    x.dispose();
  });

  it('matches central finite differences for every loss type (f64)', () => {
    const cases: { lossType: DpoLossType; labelSmoothing?: number }[] = [
      { lossType: 'sigmoid', labelSmoothing: 0.2 },
      { lossType: 'robust', labelSmoothing: 0.2 },
      { lossType: 'hinge' },
      { lossType: 'ipo' },
    ];
    for (const c of cases) {
      const base: [number, number, number, number] = [-1.3, -2.1, -1.7, -1.9];
      const inputs = base.map((v) => {
        const t = tensor(new Float64Array([v]), [1], 'f64');
        t.requiresGrad = true;
        return t;
      });
      tidy(() => {
        const [pc, pr, rc, rr] = inputs as [
          ReturnType<typeof tensor>,
          ReturnType<typeof tensor>,
          ReturnType<typeof tensor>,
          ReturnType<typeof tensor>,
        ];
        dpoLoss(
          { policyChosenLogps: pc, policyRejectedLogps: pr, referenceChosenLogps: rc, referenceRejectedLogps: rr },
          { beta: 0.7, ...c },
        ).losses.backward();
      });
      base.forEach((v, i) => {
        const h = 1e-6;
        const plus = [...base] as typeof base;
        const minus = [...base] as typeof base;
        plus[i] = v + h;
        minus[i] = v - h;
        const numeric = (run(plus, { beta: 0.7, ...c }).loss - run(minus, { beta: 0.7, ...c }).loss) / (2 * h);
        expect(inputs[i]!.grad!.arraySync()[0], `${c.lossType} input ${i}`).toBeCloseTo(numeric, 6);
      });
      for (const t of inputs) t.dispose();
    }
  });

  it('refuses label smoothing where TRL does not define it, and bad beta', () => {
    expect(() => run(lp, { beta: 0.1, lossType: 'hinge', labelSmoothing: 0.1 })).toThrow(/not hinge/);
    expect(() => run(lp, { beta: 0 })).toThrow(/beta must be a positive number/);
  });
});
