import { describe, expect, it } from 'vitest';
import { DataRng, hash32 } from './data-rng.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

describe('DataRng', () => {
  it('repeats a stream for the same seed and differs for another', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, () => new DataRng(seed).int(0, 1_000_000));
    expect(draw(7)).toEqual(draw(7));
    const a = new DataRng(7);
    const b = new DataRng(8);
    expect(Array.from({ length: 5 }, () => a.int(0, 1e6))).not.toEqual(Array.from({ length: 5 }, () => b.int(0, 1e6)));
  });

  it('decorrelates the first draws of consecutive seeds', () => {
    const firsts = Array.from({ length: 4000 }, (_, s) => new DataRng(s).float());
    expect(mean(firsts)).toBeCloseTo(0.5, 1);
    expect(std(firsts)).toBeCloseTo(Math.sqrt(1 / 12), 1);
    const gauss = Array.from({ length: 4000 }, (_, s) => new DataRng(s).gaussian());
    expect(Math.abs(mean(gauss))).toBeLessThan(0.08);
    expect(std(gauss)).toBeGreaterThan(0.93);
    expect(std(gauss)).toBeLessThan(1.07);
  });

  it('draws integers in the inclusive range, and forks by label', () => {
    const r = new DataRng(1);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(new DataRng(1).fork('x').int(0, 1e9)).toBe(new DataRng(1).fork('x').int(0, 1e9));
    expect(new DataRng(1).fork('x').int(0, 1e9)).not.toBe(new DataRng(1).fork('y').int(0, 1e9));
    expect(() => r.int(2, 1)).toThrow(/empty range/);
    expect(() => new DataRng(1.5)).toThrow(/seed must be an integer/);
  });

  it('shuffles into a permutation and hashes labels stably (FNV-1a)', () => {
    expect(new DataRng(2).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(hash32('')).toBe(0x811c9dc5);
    expect(hash32('a')).toBe(0xe40c292c);
  });
});
