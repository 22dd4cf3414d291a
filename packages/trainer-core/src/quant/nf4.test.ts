import { describe, expect, it } from 'vitest';
import { bf16ArrayToF32, f32ArrayToBf16 } from '../tensor/half.js';
import { dynamicIndex, quantizeBlockwise8 } from './blockwise8.js';
import { dequantizeAbsmax, doubleQuantize, f32Mean } from './double-quant.js';
import { createDynamicMap } from './dynamic-map.js';
import { dequantizeNf4, NF4_CODE, nf4Index, quantizeNf4 } from './nf4.js';

const f32 = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
const bitsOf = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0]!;
/** The next f32 above x. */
const nextUp = (x: number) => f32(x >= 0 ? bitsOf(x) + 1 : bitsOf(x) - 1);

/** n values: `set` at the given positions, 0 elsewhere. */
function values(n: number, set: Record<number, number>): Float32Array {
  const v = new Float32Array(n);
  for (const [i, x] of Object.entries(set)) v[Number(i)] = x;
  return v;
}

describe('NF4 quantization (bitsandbytes CUDA kernel rules, hand-computed)', () => {
  it('picks codes with the kernel thresholds; a value on a threshold takes the lower code', () => {
    // absmax 1, scale 1: the normalized values are the inputs themselves.
    expect([1, -1, 0, 0.5, -0.5, 0.07958029955625534].map(nf4Index)).toEqual([15, 0, 7, 12, 2, 8]);
    // 0.03979014977812767 (f32) is the 7|8 threshold itself: not above it, so code 7; one ulp up is 8.
    const t78 = Math.fround(0.03979014977812767);
    expect(nf4Index(t78)).toBe(7);
    expect(nf4Index(nextUp(t78))).toBe(8);
    expect(nf4Index(Number.NaN)).toBe(0);
  });

  it('reads the threshold literals as the CUDA compiler does (each decimal rounded once to f32)', () => {
    // 0.1202552504837513 (8|9) lies 6e-18 above the f32 tie 0x3df64862 | 0x3df64863: rounded once
    // it is 0x3df64863; through a double it would be 0x3df64862 (tie to even). So 0x3df64863 itself
    // is not above the threshold (code 8) and the next f32 is (code 9).
    expect(Math.fround(0.1202552504837513)).toBe(f32(0x3df64862));
    expect(nf4Index(f32(0x3df64863))).toBe(8);
    expect(nf4Index(f32(0x3df64864))).toBe(9);
    // Likewise 14|15: 0.8614784181118011 rounds to 0x3f5c89d9.
    expect(nf4Index(f32(0x3f5c89d9))).toBe(14);
    expect(nf4Index(f32(0x3f5c89da))).toBe(15);
  });

  it('packs element 2i in the high nibble, one f32 absmax per 64-block', () => {
    const v = values(128, { 0: 1, 1: 0.5, 2: -1, 63: -0.5, 64: 2, 65: -2, 66: 1 });
    const { packed, absmax } = quantizeNf4(v);
    expect(Array.from(absmax)).toEqual([1, 2]);
    // Block 0 (scale 1): 1 -> 15, 0.5 -> 12, -1 -> 0, 0 -> 7, -0.5 -> 2.
    expect(packed[0]).toBe(0xfc);
    expect(packed[1]).toBe(0x07);
    expect(packed[31]).toBe(0x72);
    // Block 1 (scale 1/2): 2 -> 1 -> 15, -2 -> -1 -> 0, 1 -> 0.5 -> 12.
    expect(packed[32]).toBe(0xf0);
    expect(packed[33]).toBe(0xc7);
    expect(packed.length).toBe(64);
  });

  it('multiplies by the f32 reciprocal of absmax, which can differ from dividing', () => {
    // absmax 3: scale = f32(1/3) = 0x3eaaaaab = 0.3333333432674408. x = 0xbfea7ba7 = -1.83189857006073:
    // x * scale rounds to -0.6106328964233398, exactly the 1|2 threshold in f32, so code 1 (lower);
    // x / 3 = -0.6106328368186951 lies above the threshold and would give code 2.
    const x = f32(0xbfea7ba7);
    expect(Math.fround(x / 3) > f32(0xbf1c5270)).toBe(true);
    const { packed, absmax } = quantizeNf4(values(64, { 0: 3, 1: x }));
    expect(absmax[0]).toBe(3);
    expect(packed[0]).toBe(0xf1);
  });

  it('an all-zero block gets absmax 0 and code 0 (1/0 = inf, 0 * inf = NaN), which dequantizes to -0.0', () => {
    const { packed, absmax } = quantizeNf4(new Float32Array(64));
    expect(absmax[0]).toBe(0);
    expect(packed.every((b) => b === 0)).toBe(true);
    const back = dequantizeNf4(packed, absmax, 64);
    expect(back.every((v) => Object.is(v, -0))).toBe(true);
  });

  it('an odd count pads the low nibble of the last byte with the code of 0.0 (7, or 0 in an all-zero block)', () => {
    // [1, 0.5, -1]: one partial block, absmax 1. Bytes: (15, 12) = 0xfc, (0, pad 0.0 -> 7) = 0x07.
    const a = quantizeNf4(Float32Array.of(1, 0.5, -1));
    expect(Array.from(a.packed)).toEqual([0xfc, 0x07]);
    expect(Array.from(a.absmax)).toEqual([1]);
    // 65 values whose last block is [0]: absmax 0, so both the element and the pad are NaN -> code 0.
    const b = quantizeNf4(values(65, { 0: 1 }));
    expect(Array.from(b.absmax)).toEqual([1, 0]);
    expect(b.packed.length).toBe(33);
    expect(b.packed[32]).toBe(0x00);
  });

  it('ignores NaN when taking absmax and sends it to code 0; zero padding counts in a partial block', () => {
    const { packed, absmax } = quantizeNf4(Float32Array.of(Number.NaN, -0.25, 0.5));
    // absmax 0.5, scale 2: NaN -> 0, -0.25 -> -0.5 -> 2, 0.5 -> 1 -> 15, pad 0 -> 7.
    expect(Array.from(absmax)).toEqual([0.5]);
    expect(Array.from(packed)).toEqual([0x02, 0xf7]);
    // A partial block of NaN only: the zero padding makes absmax 0 (not -FLT_MAX).
    expect(Array.from(quantizeNf4(Float32Array.of(Number.NaN)).absmax)).toEqual([0]);
  });

  it('quantizes bf16 weights from their exact f32 values and dequantizes code * absmax in f32', () => {
    const bf = f32ArrayToBf16(Float32Array.of(0.3, -0.7, 1.4, 0));
    const v = bf16ArrayToF32(bf);
    // bf16(1.4) = 1.3984375 is the absmax; 0.3 -> 0.30078125 / 1.3984375 = 0.215... -> code 10 (0.2461).
    const { packed, absmax } = quantizeNf4(v);
    expect(absmax[0]).toBe(1.3984375);
    const back = dequantizeNf4(packed, absmax, 4);
    expect(back[2]).toBe(1.3984375);
    expect(back[0]).toBe(Math.fround(NF4_CODE[10]! * 1.3984375));
  });

  it('honours other bitsandbytes block sizes and refuses unsupported ones', () => {
    const { absmax } = quantizeNf4(values(256, { 5: 4, 200: -8 }), 128);
    expect(Array.from(absmax)).toEqual([4, 8]);
    expect(() => quantizeNf4(new Float32Array(8), 48)).toThrow(/blocksize must be one of 32, 64, .*got 48/);
  });
});

describe('the signed dynamic map and double quantization', () => {
  it('builds the 256 sorted codes of create_dynamic_map(signed=True)', () => {
    const map = createDynamicMap();
    expect(map.length).toBe(256);
    expect(map[127]).toBe(0);
    expect(map[255]).toBe(1);
    // The smallest magnitudes: 1e-6 * (0.1 + 1) / 2 = 5.5e-7 in f32 (one mean for i = 0).
    expect(map[128]).toBe(Math.fround(Math.fround(1e-6) * 0.550000011920929));
    expect(map[126]).toBe(-map[128]!);
    // The largest mean: (linspace(0.1, 1, 65)[63] + 1) / 2 with step f32(0.9 / 64) = 0.01406249962747097.
    // Fused: f32(1 - step) = 0.9859374761581421; mean f32((0.98593747... + 1) / 2) = 0.992968738079071.
    expect(map[254]).toBe(f32(0x3f7e3333));
    for (let i = 1; i < 256; i++) expect(map[i]! > map[i - 1]!).toBe(true);
  });

  it('the fused and plain linspace differ in the last bit of some entries', () => {
    // map[208] is the i = 6 mean of linspace(0.1, 1, 65)[17] and [18], step = 15099494 * 2^-30.
    // [17] = 11377049 * 2^-25 either way. [18] = 0.1f + step * 18 = (107374184 + 271790892) * 2^-30:
    // fused (one rounding) 11848909 * 2^-25; plain, f32(step * 18) = 8493465 * 2^-25 first, then
    // 11848908 * 2^-25. The means (sum rounded to even, halved): 11612979 vs 11612978 * 2^-25.
    const fused = createDynamicMap();
    const plain = createDynamicMap({ fusedLinspace: false });
    expect(fused[208]).toBe(11612979 * 2 ** -25);
    expect(plain[208]).toBe(11612978 * 2 ** -25);
    let differ = 0;
    for (let i = 0; i < 256; i++) if (fused[i] !== plain[i]) differ++;
    expect(differ).toBe(42);
  });

  it("quantizes with the kernel's search to the nearest code", () => {
    const map = createDynamicMap();
    expect(dynamicIndex(map, 1)).toBe(255);
    expect(dynamicIndex(map, -1)).toBe(0);
    expect(dynamicIndex(map, 0)).toBe(127);
    // 0.3333: the i = 6 means near it are 0.33203125 (j = 16, index 191 + 16) and 0.34609375 (j = 17).
    expect(map[207]).toBe(0.33203125);
    expect(dynamicIndex(map, 0.3333)).toBe(207);
    expect(dynamicIndex(map, -0.3333)).toBe(47);
  });

  it('double quantization: offset = mean, (absmax - offset) in 8 bits per 256, dequantized as code * nested + offset', () => {
    // absmax [1, 2, 3, 4]: offset = f32(10) * f32(1/4) = 2.5; centred [-1.5, -0.5, 0.5, 1.5];
    // nested absmax 1.5, scale f32(1/1.5) = 0.6666666865348816; -1.5 * scale -> -1 -> code 0,
    // +-0.5 * scale -> +-0.33333334 -> codes 47 and 207, 1.5 * scale -> 1 -> code 255.
    const q = doubleQuantize(Float32Array.of(1, 2, 3, 4));
    expect(q.offset).toBe(2.5);
    expect(Array.from(q.nestedAbsmax)).toEqual([1.5]);
    expect(Array.from(q.codes)).toEqual([0, 47, 207, 255]);
    const back = dequantizeAbsmax(q);
    expect(back[3]).toBe(4);
    expect(back[2]).toBe(Math.fround(Math.fround(0.33203125 * 1.5) + 2.5));
    expect(back[0]).toBe(Math.fround(Math.fround(q.nestedCode[0]! * 1.5) + 2.5));
  });

  it('takes the mean as torch does (f32 sum times the f32 factor 1/n)', () => {
    // 1/3 in f32 is 0.3333333432674408, so the mean of [1, 1, 1] is f32(3 * 0.33333334) = 1.
    expect(f32Mean(Float32Array.of(1, 1, 1))).toBe(1);
    expect(f32Mean(Float32Array.of(0.1, 0.2, 0.4))).toBe(
      Math.fround(Math.fround(0.7000000104308128) * Math.fround(1 / 3)),
    );
  });

  it('8-bit blocks of 256 keep one absmax each', () => {
    const v = new Float32Array(300).map((_, i) => (i === 10 ? -2 : i === 299 ? 0.5 : 0.01));
    const { codes, absmax } = quantizeBlockwise8(v, createDynamicMap());
    expect(Array.from(absmax)).toEqual([2, 0.5]);
    expect(codes[10]).toBe(0);
    expect(codes[299]).toBe(255);
  });
});
