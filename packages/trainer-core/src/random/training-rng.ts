/**
 * Seeded pseudo-random numbers: PCG-XSH-RR-style 32-bit output on a 64-bit LCG state held in two
 * u32 halves (so it runs on plain JS numbers), seeded through splitmix-style mixing. Same seed,
 * same numbers, on every platform. Used for initialisation, data shuffling and dropout seeds (the
 * trainer's generator; data-gen has its own, `DataRng`, for worlds and datasets).
 */
import { fmix32 } from './hash.js';

const MUL_HI = 0x5851f42d;
const MUL_LO = 0x4c957f2d;
const INC_HI = 0x14057b7e;
const INC_LO = 0xf767814f;

export interface TrainingRngState {
  hi: number;
  lo: number;
  spareNormal: number | null;
}

export class TrainingRng {
  private hi: number;
  private lo: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`TrainingRng: seed must be a finite number, got ${seed}`);
    const s = Math.floor(seed);
    this.hi = fmix32(((s / 0x100000000) >>> 0) ^ 0x9e3779b9);
    this.lo = fmix32(s >>> 0);
    this.nextU32();
  }

  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    const oldHi = this.hi;
    const oldLo = this.lo;
    // state = state * MUL + INC (mod 2^64), in 16-bit limbs to stay exact.
    const a0 = oldLo & 0xffff;
    const a1 = oldLo >>> 16;
    const a2 = oldHi & 0xffff;
    const a3 = oldHi >>> 16;
    const b0 = MUL_LO & 0xffff;
    const b1 = MUL_LO >>> 16;
    const b2 = MUL_HI & 0xffff;
    const b3 = MUL_HI >>> 16;
    let c0 = a0 * b0 + (INC_LO & 0xffff);
    let c1 = (c0 >>> 16) + a0 * b1 + a1 * b0 + (INC_LO >>> 16);
    c0 &= 0xffff;
    let c2 = Math.floor(c1 / 65536) + a0 * b2 + a1 * b1 + a2 * b0 + (INC_HI & 0xffff);
    c1 &= 0xffff;
    const c3 = Math.floor(c2 / 65536) + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + (INC_HI >>> 16);
    c2 %= 65536;
    this.lo = ((c1 << 16) | c0) >>> 0;
    this.hi = (((c3 & 0xffff) << 16) | c2) >>> 0;
    // XSH-RR output from the old state: xorshifted = ((old >> 18) ^ old) >> 27, rot = old >> 59.
    const xHi = (oldHi ^ (oldHi >>> 18)) >>> 0;
    const xLo = (oldLo ^ ((oldLo >>> 18) | (oldHi << 14))) >>> 0;
    const xorshifted = ((xLo >>> 27) | (xHi << 5)) >>> 0;
    const rot = oldHi >>> 27;
    return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`TrainingRng.int: bad bound ${n}`);
    // Rejection sampling keeps the draw unbiased.
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return x % n;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** The generator's full state, for checkpoints (restoring it continues the same sequence). */
  getState(): TrainingRngState {
    return { hi: this.hi, lo: this.lo, spareNormal: this.spareNormal ?? null };
  }

  setState(state: TrainingRngState): void {
    for (const k of ['hi', 'lo'] as const) {
      if (!Number.isInteger(state[k]) || state[k] < 0 || state[k] > 0xffffffff) {
        throw new RangeError(`TrainingRng.setState: ${k} must be a u32, got ${state[k]}`);
      }
    }
    this.hi = state.hi;
    this.lo = state.lo;
    this.spareNormal = state.spareNormal ?? undefined;
  }

  /** A 32-bit seed for a derived stream (e.g. one dropout call). */
  nextSeed(): number {
    return this.nextU32();
  }

  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
  }

  fillUniform(out: Float32Array | Float64Array, low: number, high: number): void {
    for (let i = 0; i < out.length; i++) out[i] = this.uniformRange(low, high);
  }
}
