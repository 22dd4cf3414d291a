/**
 * Exact conversions between f32 and the 16-bit storage formats (IEEE binary16 `f16` and
 * bfloat16 `bf16`). Encoding rounds to nearest, ties to even, like PyTorch's `.half()` /
 * `.bfloat16()`; NaN stays NaN (quiet), overflow goes to infinity. Inputs are first rounded to
 * f32, so converting a JS number behaves like converting the f32 tensor that holds it.
 */

const scratch = new DataView(new ArrayBuffer(4));

function f32Bits(x: number): number {
  scratch.setFloat32(0, x);
  return scratch.getUint32(0);
}

function bitsToF32(bits: number): number {
  scratch.setUint32(0, bits >>> 0);
  return scratch.getFloat32(0);
}

/** f32 value -> f16 bit pattern (round to nearest even). */
export function f32ToF16Bits(x: number): number {
  const bits = f32Bits(x);
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e >= 1) {
    const half = (e << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    // A carry out of the mantissa correctly bumps the exponent (up to infinity).
    const up = rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1);
    return sign | (half + (up ? 1 : 0));
  }
  // Subnormal in f16 (or zero): value = m * 2^(exp-150), unit 2^-24, so h = m >> (14 - e).
  const shift = 14 - e;
  if (shift > 24) return sign;
  const m = mant | 0x800000;
  const h = m >>> shift;
  const rem = m & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  const up = rem > halfway || (rem === halfway && (h & 1) === 1);
  return sign | (h + (up ? 1 : 0));
}

/** f16 bit pattern -> its exact value. */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** f32 value -> bf16 bit pattern (round to nearest even). */
export function f32ToBf16Bits(x: number): number {
  const bits = f32Bits(x);
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return ((bits >>> 16) | 0x40) & 0xffff;
  const lsb = (bits >>> 16) & 1;
  return ((bits + 0x7fff + lsb) >>> 16) & 0xffff;
}

/** bf16 bit pattern -> its exact value. */
export function bf16BitsToF32(h: number): number {
  return bitsToF32((h & 0xffff) << 16);
}

let f16Table: Float32Array | undefined;

/** Bulk f16 -> f32 through a 64 Ki-entry table (checkpoint loading converts millions of values). */
export function f16ArrayToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToF32(h);
  }
  const table = f16Table;
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]!]!;
  return out;
}

export function bf16ArrayToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const u32 = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) u32[i] = src[i]! << 16;
  return out;
}

export function f32ArrayToF16(src: ArrayLike<number>, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  for (let i = 0; i < src.length; i++) out[i] = f32ToF16Bits(src[i]!);
  return out;
}

export function f32ArrayToBf16(src: ArrayLike<number>, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  for (let i = 0; i < src.length; i++) out[i] = f32ToBf16Bits(src[i]!);
  return out;
}
