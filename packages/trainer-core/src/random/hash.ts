/**
 * A counter-based random source: a well-mixed 32-bit hash of (seed, index). Any element's
 * random draw can be recomputed from its index alone, so dropout needs no stored mask and a
 * GPU kernel can produce exactly the same mask as the CPU.
 */

/** The murmur3 32-bit finaliser (full avalanche). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform u32 for element `index` of the stream named by `seed`. */
export function hash2(seed: number, index: number): number {
  return fmix32((Math.imul(index, 0x9e3779b1) ^ fmix32(seed + 0x632be5ab)) >>> 0);
}
