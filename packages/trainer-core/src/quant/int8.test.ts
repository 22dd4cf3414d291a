import { describe, expect, it } from 'vitest';
import { dequantizeInt8Rows, quantizeInt8Rows } from './int8.js';

describe('LLM.int8() row-wise quantization (Int8Params)', () => {
  it('scales each row by 127 / absmax of its float16 values and rounds half to even', () => {
    // Row 0: absmax 127, scale 1: 0.5 -> 0 (even), 2.5 -> 2, -1.5 -> -2.
    // Row 1: absmax 3, scale f32(127/3) = 42.33333206176758: 1.5 * scale = 63.49999809265137 lies half-way
    // between the f32 values 63.499996185 and 63.5 and rounds to the even 63.5, then to the even 64;
    // -0.75 -> -31.75 -> -32,
    // 3 -> 126.9999962 -> 127. Row 2: 0.1 is 0.0999755859375 in float16 (the SCB), so it maps to 127.
    const { codes, scb } = quantizeInt8Rows(Float32Array.of(127, 0.5, 2.5, -1.5, 3, 1.5, -0.75, 0, 0.1, 0, 0, 0), 3, 4);
    expect(Array.from(codes)).toEqual([127, 0, 2, -2, 127, 64, -32, 0, 127, 0, 0, 0]);
    expect(Array.from(scb)).toEqual([127, 3, 0.0999755859375]);
    const back = dequantizeInt8Rows(codes, scb, 4);
    expect(back[5]).toBe(Math.fround(Math.fround(64 * 3) * Math.fround(1 / 127)));
  });

  it('an all-zero row has SCB 0 and codes 0', () => {
    const { codes, scb } = quantizeInt8Rows(new Float32Array(4), 1, 4);
    expect(Array.from(scb)).toEqual([0]);
    expect(Array.from(codes)).toEqual([0, 0, 0, 0]);
  });
});
