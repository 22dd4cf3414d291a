import { describe, expect, it } from 'vitest';
import { wilson95 } from './summary.js';

describe('wilson95', () => {
  it('matches the Wilson score interval computed by hand', () => {
    // 8 of 10: p = 0.8, z = 1.96: centre = (0.8 + 0.19208) / 1.38415 = 0.716811,
    // half = 1.96 * sqrt(0.016 + 0.0096040) / 1.38415 = 0.226538 -> [0.490, 0.943].
    const [lo, hi] = wilson95(8, 10)!;
    expect(lo).toBeCloseTo(0.4902, 4);
    expect(hi).toBeCloseTo(0.9433, 4);
    expect(wilson95(0, 5)![0]).toBe(0);
    expect(wilson95(5, 5)![1]).toBe(1);
    expect(wilson95(0, 0)).toBeNull();
  });
});
