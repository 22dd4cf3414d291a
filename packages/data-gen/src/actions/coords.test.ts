import { describe, expect, it } from 'vitest';
import { GELAB_CANVAS } from '../world/schema.js';
import { normalizeBbox, normalizeCoordinate, pointInBbox, roundHalfEven } from './coords.js';

describe('roundHalfEven (Python round)', () => {
  it('sends exact ties to the even neighbour', () => {
    expect([0.5, 1.5, 2.5, 3.5, 582.5, 583.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 582, 584]);
    expect(roundHalfEven(-2.5)).toBe(-2);
    expect(roundHalfEven(-1.5)).toBe(-2);
  });
  it('rounds non-ties to nearest', () => {
    expect([0.49, 0.51, 206.95, 660.41, 7].map(roundHalfEven)).toEqual([0, 1, 207, 660, 7]);
  });
});

describe('normalised coordinates', () => {
  it('matches the published example box', () => {
    expect(normalizeBbox([244, 1488, 444, 1688], GELAB_CANVAS)).toEqual([207, 582, 377, 660]);
  });
  it('uses the original canvas: 1179 px wide maps to 1000', () => {
    expect(normalizeCoordinate(1179, 1179)).toBe(1000);
    expect(normalizeCoordinate(0, 2556)).toBe(0);
    // 5 / 2000 * 1000 = 2.5 exactly: Python's round gives 2 where Math.round gives 3.
    expect(normalizeCoordinate(5, 2000)).toBe(2);
    expect(normalizeCoordinate(3, 2000)).toBe(2);
  });
  it('tests points inclusively on every edge', () => {
    const box: [number, number, number, number] = [10, 20, 30, 40];
    expect(pointInBbox([10, 20], box)).toBe(true);
    expect(pointInBbox([30, 40], box)).toBe(true);
    expect(pointInBbox([31, 40], box)).toBe(false);
    expect(pointInBbox([10, 19], box)).toBe(false);
  });
});
