import { type RandomGenerator, unsafeSkipN, unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

/**
 * A seeded random stream (pure-rand's xoroshiro128+). Every random choice in data-gen goes
 * through one of these, so the same seed gives byte-identical output. `fork(label)` derives an
 * independent stream per purpose: drawing more points for one file never shifts another's.
 */
export class DataRng {
  private readonly gen: RandomGenerator;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    // pure-rand seeds with 32 bits; larger seeds are hashed down rather than silently truncated.
    const seed32 = seed >= -(2 ** 31) && seed < 2 ** 32 ? seed | 0 : hash32(String(seed));
    // xoroshiro128+ seeded with nearby integers starts with nearly equal outputs (seeds 0..7 all
    // draw ~0.99999 first); scrambling the seed and discarding a few outputs decorrelates them.
    this.gen = xoroshiro128plus(mix32(seed32));
    unsafeSkipN(this.gen, 16);
  }

  /** A new stream determined by this stream's seed and the label (not by how much was drawn). */
  fork(label: string): DataRng {
    return new DataRng(hash32(`${this.seed}/${label}`));
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new Error(`DataRng.int: empty range [${min}, ${max}]`);
    return unsafeUniformIntDistribution(min, max, this.gen);
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const hi = unsafeUniformIntDistribution(0, 2 ** 26 - 1, this.gen);
    const lo = unsafeUniformIntDistribution(0, 2 ** 27 - 1, this.gen);
    return (hi * 2 ** 27 + lo) / 2 ** 53;
  }

  /** Standard normal deviate (Box-Muller). */
  gaussian(): number {
    const u = 1 - this.float(); // (0, 1]: log(0) is not allowed
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('DataRng.pick: empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** FNV-1a, 32 bits: a stable way to turn a label into a seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
