import type { OdysseyMetrics } from '@guinav/eval-env';
import { describe, expect, it } from 'vitest';
import { summarizeOdysseyStage } from './odyssey-summary.js';

const metrics = (averaging: OdysseyMetrics['averaging'], AMS: number, SR: number): OdysseyMetrics => ({
  split: averaging === 'category-mean' ? 'random' : 'task',
  averaging,
  AMS,
  SR,
  count: 6,
  episodes: 3,
  incompleteEpisodes: 0,
  byCategory: {
    Web_Shopping: { AMS: 75, SR: 50, steps: 4, correct: 3, episodes: 2, successes: 1 },
    Multi_Apps: { AMS: 0, SR: 0, steps: 2, correct: 0, episodes: 1, successes: 0 },
  },
  actionType: { count: 6, correct: 6, accuracy: 100 },
  text: { count: 0, correct: 0, accuracy: null },
  byActionType: {},
  invalid: 0,
  warnings: [],
});

describe('summarizeOdysseyStage', () => {
  it('gives the official AMS / SR in 0..1, per category, with Wilson intervals of the counts', () => {
    // Random split: AMS = mean(75, 0) = 37.5, SR = mean(50, 0) = 25.
    const s = summarizeOdysseyStage({ metrics: metrics('category-mean', 37.5, 25), coordinateError: 12.5, seconds: 3 });
    expect(s).toMatchObject({ ams: 0.375, sr: 0.25, averaging: 'category-mean', coordinateError: 12.5, seconds: 3 });
    expect(s.amsByCategory).toEqual({ Web_Shopping: 0.75, Multi_Apps: 0 });
    expect(s.srByCategory).toEqual({ Web_Shopping: 0.5, Multi_Apps: 0 });
    expect(s.counts.ams).toEqual({ correct: 3, count: 6 });
    expect(s.counts.sr).toEqual({ correct: 1, count: 3 });
    // Pooled 3 of 6: p = 0.5, z^2/n = 0.64025; centre 0.5, half = 1.96 * sqrt(0.0416667 + 0.0266771) / 1.64025 = 0.312389.
    expect(s.ci95.ams![0]).toBeCloseTo(0.1876, 4);
    expect(s.ci95.ams![1]).toBeCloseTo(0.8124, 4);
    expect(s.ci95.amsByCategory.Multi_Apps![0]).toBe(0);
  });

  it('pooled splits: the value is the pooled share', () => {
    const s = summarizeOdysseyStage({ metrics: metrics('pooled', 50, 33.33), coordinateError: null, seconds: 1 });
    expect(s.ams).toBe(0.5);
    expect(s.sr).toBeCloseTo(0.3333, 4);
    expect(s.coordinateError).toBeNull();
  });
});
