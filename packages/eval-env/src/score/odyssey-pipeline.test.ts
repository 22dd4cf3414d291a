import {
  generateSyntheticOdyssey,
  type LoadedEpisode,
  type OdysseyTestRecord,
  odysseyTestRecords,
  parseOdysseyEpisode,
} from '@guinav/data-gen';
import { describe, expect, it } from 'vitest';
import { OdysseyStepPrediction, scoreOdysseyRecords } from './odyssey-ams.js';

/** data-gen's test records (synthetic episodes) with a prediction added, read as the scorer reads a file. */
const { episodes } = generateSyntheticOdyssey({ count: 24, seed: 2 });
const loaded = episodes.map(({ episode }) => {
  const parsed = parseOdysseyEpisode(episode, `${episode.episode_id}.json`);
  if (Array.isArray(parsed)) throw new Error(parsed[0]?.message);
  return parsed as LoadedEpisode;
});
const records = odysseyTestRecords(loaded, { imageOf: (_e, step) => step.screenshot });

function predicted(pred: (r: OdysseyTestRecord) => string) {
  return records.map((r, i) => ({
    value: OdysseyStepPrediction.parse({ ...r, pred: pred(r) }),
    where: `line ${i + 1}`,
  }));
}

describe('data-gen Odyssey test records in the AMS scorer', () => {
  it('become predictions when `pred` is added; the ground truth scores AMS = SR = 100 on every split kind', () => {
    for (const split of ['random', 'task'] as const) {
      const m = scoreOdysseyRecords(
        predicted((r) => r.gt),
        split,
      );
      expect(m.AMS).toBe(100);
      expect(m.SR).toBe(100);
      expect(m.episodes).toBe(24);
      expect(m.incompleteEpisodes).toBe(0);
      expect(m.warnings).toEqual([]);
      expect(Object.keys(m.byCategory)).toHaveLength(6);
    }
  });

  it('score a wrong model lower: always COMPLETE is right on the COMPLETE steps only', () => {
    const m = scoreOdysseyRecords(
      predicted(() => 'COMPLETE'),
      'task',
    );
    const completes = records.filter((r) => r.gt === 'COMPLETE').length;
    // Counted from the episodes, independently of the records: one COMPLETE ends each episode but the impossible ones.
    const expected = loaded.filter((e) => e.episode.steps.at(-1)?.action === 'COMPLETE').length;
    expect(completes).toBe(expected);
    expect(m.AMS).toBe(Math.round((completes / records.length) * 10000) / 100);
    expect(m.AMS).toBeLessThan(20);
    expect(m.SR).toBe(0);
  });

  it('score a click off by more than the AMS radius and outside its box as wrong', () => {
    const m = scoreOdysseyRecords(
      predicted((r) => {
        const p = /^CLICK: \((\d+), (\d+)\)$/.exec(r.gt);
        return p ? `CLICK: (${(Number(p[1]) + 500) % 1000}, ${(Number(p[2]) + 500) % 1000})` : r.gt;
      }),
      'task',
    );
    expect(m.byActionType.CLICK?.accuracy).toBe(0);
    expect(m.byActionType.TYPE?.accuracy).toBe(100);
    expect(m.SR).toBe(0);
  });
});
