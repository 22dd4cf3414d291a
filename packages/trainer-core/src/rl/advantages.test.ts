import { describe, expect, it } from 'vitest';
import { groupAdvantages } from './advantages.js';

describe('groupAdvantages', () => {
  it("normalises each group by its mean and unbiased std + 1e-4, as TRL's GRPO trainer", () => {
    // group 1: [1, 0, 0, 0]: mean 0.25, unbiased std sqrt((0.75^2 + 3 * 0.25^2) / 3) = 0.5
    // group 2: [2, 2, 2, 2]: std 0, so no advantage at all
    const { advantages, mean, meanGroupStd } = groupAdvantages([1, 0, 0, 0, 2, 2, 2, 2], 4);
    const expected = [0.75 / 0.5001, -0.25 / 0.5001, -0.25 / 0.5001, -0.25 / 0.5001, 0, 0, 0, 0];
    for (const [i, a] of advantages.entries()) expect(a).toBeCloseTo(expected[i]!, 12);
    expect(mean).toBe(1.125);
    expect(meanGroupStd).toBe(0.25);
  });

  it('leaves the std out when rewards are not scaled', () => {
    expect([...groupAdvantages([3, 1], 2, false).advantages]).toEqual([1, -1]);
  });

  it('refuses groups of one and rewards that are not whole groups', () => {
    expect(() => groupAdvantages([1, 2], 1)).toThrow(/at least 2/);
    expect(() => groupAdvantages([1, 2, 3], 2)).toThrow(/not whole groups of 2/);
  });
});
