import { describe, expect, it } from 'vitest';
import { TrainingRng } from '../random/training-rng.js';
import { argmaxRow, checkSamplingOptions, chooseToken, samplingDistribution } from './sampling.js';

// softmax([1, 2, 3, 4]) = e^i / (e + e^2 + e^3 + e^4) = 0.0321, 0.0871, 0.2369, 0.6439.
const LOGITS = [1, 2, 3, 4];
const E = LOGITS.map(Math.exp);
const kept = (p: Float64Array) => [...p.keys()].filter((i) => p[i]! > 0);

describe('sampling', () => {
  it('greedy takes the first maximum', () => {
    expect(argmaxRow([0, 3, 3, 1])).toBe(1);
    expect(chooseToken([0, 3, 3, 1], {}, new TrainingRng(0))).toBe(1);
  });

  it('temperature divides the logits before the softmax', () => {
    const p = samplingDistribution(LOGITS, { temperature: 2 });
    const h = LOGITS.map((x) => Math.exp(x / 2));
    const z = h.reduce((a, b) => a + b);
    p.forEach((v, i) => {
      expect(v).toBeCloseTo(h[i]! / z, 12);
    });
  });

  it('top-k keeps the k largest logits and ties with the k-th', () => {
    const p = samplingDistribution(LOGITS, { temperature: 1, topK: 2 });
    expect(kept(p)).toEqual([2, 3]);
    expect(p[3]).toBeCloseTo(E[3]! / (E[2]! + E[3]!), 12);
    expect(kept(samplingDistribution([5, 1, 5, 0], { temperature: 1, topK: 1 }))).toEqual([0, 2]);
  });

  it('top-p drops the tail whose mass stays <= 1 - p, counted from the least likely', () => {
    // Ascending cumulative mass: 0.0321, 0.1192, 0.3561, 1.
    expect(kept(samplingDistribution(LOGITS, { temperature: 1, topP: 0.8 }))).toEqual([2, 3]); // drops <= 0.2
    expect(kept(samplingDistribution(LOGITS, { temperature: 1, topP: 0.9 }))).toEqual([1, 2, 3]); // drops <= 0.1
    expect(kept(samplingDistribution(LOGITS, { temperature: 1, topP: 0.5 }))).toEqual([3]); // drops <= 0.5
    expect(kept(samplingDistribution(LOGITS, { temperature: 1, topP: 0.01 }))).toEqual([3]); // the top one stays
    // top-k first, then top-p over the renormalised survivors: among {2, 3}, p(2) = 0.269 <= 0.3.
    expect(kept(samplingDistribution(LOGITS, { temperature: 1, topK: 2, topP: 0.7 }))).toEqual([3]);
  });

  it('draws reproducibly with a seed, in proportion to the probabilities', () => {
    const draw = (seed: number) => {
      const rng = new TrainingRng(seed);
      return Array.from({ length: 4000 }, () => chooseToken(LOGITS, { temperature: 1 }, rng));
    };
    const a = draw(9);
    expect(draw(9)).toEqual(a);
    expect(draw(10)).not.toEqual(a);
    const share = a.filter((t) => t === 3).length / a.length;
    expect(share).toBeGreaterThan(0.61);
    expect(share).toBeLessThan(0.68);
  });

  it('refuses settings outside their ranges', () => {
    expect(() => checkSamplingOptions({ temperature: -1 })).toThrow(/temperature/);
    expect(() => checkSamplingOptions({ topK: 1.5 })).toThrow(/top-k/);
    expect(() => checkSamplingOptions({ topP: 0 })).toThrow(/top-p/);
  });
});
