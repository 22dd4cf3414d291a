import { describe, expect, it } from 'vitest';
import {
  bf16ArrayToF32,
  bf16BitsToF32,
  f16ArrayToF32,
  f16BitsToF32,
  f32ArrayToBf16,
  f32ToBf16Bits,
  f32ToF16Bits,
} from './half.js';

const isNaN16 = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

describe('f16', () => {
  it('decodes known patterns exactly', () => {
    expect(f16BitsToF32(0x0000)).toBe(0);
    expect(Object.is(f16BitsToF32(0x8000), -0)).toBe(true);
    expect(f16BitsToF32(0x3c00)).toBe(1);
    expect(f16BitsToF32(0x3555)).toBe(0.333251953125);
    expect(f16BitsToF32(0x7bff)).toBe(65504);
    expect(f16BitsToF32(0x0400)).toBe(2 ** -14);
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToF32(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(f16BitsToF32(0x7e00)).toBeNaN();
  });

  it('round-trips all 65,536 patterns (NaNs stay NaN)', () => {
    for (let h = 0; h < 65536; h++) {
      const back = f32ToF16Bits(f16BitsToF32(h));
      if (isNaN16(h)) expect(isNaN16(back)).toBe(true);
      else if (back !== h) throw new Error(`0x${h.toString(16)} -> 0x${back.toString(16)}`);
    }
  });

  it('rounds every midpoint between neighbours to the even one, and just off it to the nearer', () => {
    for (let h = 0; h < 0x7bff; h++) {
      const a = f16BitsToF32(h);
      const b = f16BitsToF32(h + 1);
      const mid = (a + b) / 2; // exact in f32: f16 has 11 significant bits
      const even = h % 2 === 0 ? h : h + 1;
      if (f32ToF16Bits(mid) !== even) throw new Error(`midpoint of 0x${h.toString(16)} rounded wrong`);
      const tiny = (b - a) / 1024;
      if (f32ToF16Bits(mid - tiny) !== h || f32ToF16Bits(mid + tiny) !== h + 1) {
        throw new Error(`near-midpoint of 0x${h.toString(16)} rounded wrong`);
      }
      if (f32ToF16Bits(-mid) !== (even | 0x8000)) throw new Error(`negative midpoint of 0x${h.toString(16)}`);
    }
  });

  it('overflows to infinity past the last midpoint and underflows to signed zero', () => {
    expect(f32ToF16Bits(65519.99)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(1e10)).toBe(0x7c00);
    expect(f32ToF16Bits(-1e10)).toBe(0xfc00);
    expect(f32ToF16Bits(2 ** -26)).toBe(0);
    expect(f32ToF16Bits(-(2 ** -26))).toBe(0x8000);
    expect(f32ToF16Bits(2 ** -25 * 1.0001)).toBe(1);
  });

  it('bulk decoding agrees with the scalar one', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const out = f16ArrayToF32(all);
    for (let h = 0; h < 65536; h++) {
      const want = f16BitsToF32(h);
      if (!(Object.is(out[h], Math.fround(want)) || (Number.isNaN(want) && Number.isNaN(out[h])))) {
        throw new Error(`0x${h.toString(16)}`);
      }
    }
  });
});

describe('bf16', () => {
  it('keeps the top 16 bits with round to nearest even', () => {
    expect(f32ToBf16Bits(1)).toBe(0x3f80);
    expect(f32ToBf16Bits(Math.PI)).toBe(0x4049);
    expect(bf16BitsToF32(0x4049)).toBe(3.140625);
    // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1).
    expect(f32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80);
    // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties to even (1 + 2^-6).
    expect(f32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(f32ToBf16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(f32ToBf16Bits(Number.POSITIVE_INFINITY)).toBe(0x7f80);
    expect(f32ToBf16Bits(3.4e38)).toBe(0x7f80);
    expect(bf16BitsToF32(f32ToBf16Bits(Number.NaN))).toBeNaN();
  });

  it('round-trips every bf16 pattern through f32', () => {
    for (let h = 0; h < 65536; h++) {
      const v = bf16BitsToF32(h);
      const back = f32ToBf16Bits(v);
      if (Number.isNaN(v)) expect(Number.isNaN(bf16BitsToF32(back))).toBe(true);
      else if (back !== h) throw new Error(`0x${h.toString(16)}`);
    }
    const arr = f32ArrayToBf16([1, -2, 0.5]);
    expect(Array.from(bf16ArrayToF32(arr))).toEqual([1, -2, 0.5]);
  });
});
