import { describe, expect, it } from 'vitest';
import { npMean, npRound2, pyRound2 } from './py-round.js';

describe('Python and numpy rounding', () => {
  it('round(x, 2) rounds the exact binary value, ties to even', () => {
    expect(pyRound2(2.675)).toBe(2.67); // stored as 2.67499999...
    expect(pyRound2(0.125)).toBe(0.12); // an exact tie: to even
    expect(pyRound2(0.375)).toBe(0.38);
    expect(pyRound2((20 / 26) * 100)).toBe(76.92);
    expect(pyRound2((2 / 3) * 100)).toBe(66.67);
  });

  it('np.round(x, 2) rounds x * 100 half to even', () => {
    expect(npRound2(2.675)).toBe(2.68); // 2.675 * 100 is 267.5 in floating point
    expect(npRound2(0.125)).toBe(0.12);
    expect(npRound2(116.67 / 6)).toBe(19.44); // 1944.4999999999998
  });

  it('np.mean adds in order below 8 values and pairwise from 8 on', () => {
    // Sequentially, 1e16 + 1 + 1 stays 1e16 (each 1 is half an ulp, rounded to even).
    expect(npMean([1e16, 1, 1])).toBe(1e16 / 3);
    // 8 accumulators: ((1e16 + 1) + 2) + (2 + 2) = 1e16 + 6, then + 1 + 1 -> 1e16 + 8.
    expect(npMean([1e16, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toBe((1e16 + 8) / 10);
  });
});
