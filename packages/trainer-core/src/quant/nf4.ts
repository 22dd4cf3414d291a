/**
 * bitsandbytes' NF4 4-bit quantization, as its CUDA kernel (csrc/kernels.cu, kQuantizeBlockwise /
 * dQuantizeNF4) writes it: the flattened tensor in blocks of `blocksize` (64 by default), per block
 * absmax = max |x| (NaN ignored, partial last block padded with zeros), scale = 1 / absmax computed
 * once and MULTIPLIED (x * scale, not x / absmax), the code chosen by the kernel's decision tree
 * (thresholds half-way between neighbouring codes, a value on a threshold takes the lower code),
 * and two codes per byte with element 2i in the HIGH nibble. An all-zero block has scale 1/0 = inf
 * and 0 * inf = NaN, which the tree sends to code 0 (so it dequantizes to -1.0 * 0 = -0.0); an odd
 * element count pads the last byte's low nibble with the code of 0.0 * scale.
 */
import { blockAbsmax, mulFtz, reciprocalFtz } from './cuda-float.js';

/** The NF4 code (index -> value), as bitsandbytes' `quant_map` and the kernel's lookup table (f32). */
export const NF4_CODE = Float32Array.of(
  -1.0,
  -0.6961928009986877,
  -0.5250730514526367,
  -0.39491748809814453,
  -0.28444138169288635,
  -0.18477343022823334,
  -0.09105003625154495,
  0.0,
  0.07958029955625534,
  0.16093020141124725,
  0.24611230194568634,
  0.33791524171829224,
  0.44070982933044434,
  0.5626170039176941,
  0.7229568362236023,
  1.0,
);

/**
 * dQuantizeNF4's decision thresholds as the CUDA compiler reads the kernel's `f`-suffixed literals
 * (each decimal rounded once to the nearest f32), ascending. The literals are the exact midpoints
 * of neighbouring codes, printed to 17 digits; four of them (0|1, 8|9, 12|13, 14|15) lie within
 * 1e-17 of a tie between two f32 values, so reading them as a double first (Math.fround of the
 * JS number) would round them to the other neighbour. Bit patterns avoid that.
 */
const T = new Float32Array(
  Uint32Array.of(
    0xbf591cd9, // -0.8480964004993439
    0xbf1c5270, // -0.6106329262256622
    0xbeeb8480, // -0.4599952697753906
    0xbeadea76, // -0.33967943489551544
    0xbe703cec, // -0.23460740596055984
    0xbe0d38bc, // -0.13791173323988914
    0xbd3a7871, // -0.045525018125772476
    0x3d22faff, // 0.03979014977812767
    0x3df64863, // 0.1202552504837513
    0x3e5067e0, // 0.2035212516784668
    0x3e9582d4, // 0.2920137718319893
    0x3ec753f9, // 0.3893125355243683
    0x3f006d03, // 0.5016634166240692
    0x3f248daf, // 0.6427869200706482
    0x3f5c89d9, // 0.8614784181118011
  ).buffer,
);

/** The code of a normalized value: the kernel's tree of strict `>` tests (NaN fails them all: 0). */
export function nf4Index(x: number): number {
  if (x > T[7]!) {
    if (x > T[11]!) {
      if (x > T[13]!) return x > T[14]! ? 15 : 14;
      return x > T[12]! ? 13 : 12;
    }
    if (x > T[9]!) return x > T[10]! ? 11 : 10;
    return x > T[8]! ? 9 : 8;
  }
  if (x > T[3]!) {
    if (x > T[5]!) return x > T[6]! ? 7 : 6;
    return x > T[4]! ? 5 : 4;
  }
  if (x > T[1]!) return x > T[2]! ? 3 : 2;
  return x > T[0]! ? 1 : 0;
}

/** Block sizes bitsandbytes' quantize_4bit accepts. */
export const NF4_BLOCKSIZES = [32, 64, 128, 256, 512, 1024, 2048, 4096] as const;

export function checkBlocksize(blocksize: number, allowed: readonly number[], what: string): void {
  if (!allowed.includes(blocksize)) {
    throw new RangeError(`${what}: blocksize must be one of ${allowed.join(', ')}, got ${blocksize}`);
  }
}

/** The absmax of every block, as the kernel takes it (the first pass of quantizeNf4). */
export function nf4BlockAbsmax(values: Float32Array, blocksize = 64): Float32Array {
  checkBlocksize(blocksize, NF4_BLOCKSIZES, 'nf4BlockAbsmax');
  const blocks = Math.ceil(values.length / blocksize);
  const absmax = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * blocksize;
    const end = Math.min(values.length, start + blocksize);
    absmax[b] = blockAbsmax(values, start, end, end - start < blocksize);
  }
  return absmax;
}

export interface Nf4Quantized {
  /** Two codes per byte, element 2i in the high nibble; (n + 1) >> 1 bytes. */
  packed: Uint8Array;
  /** One f32 absmax per block. */
  absmax: Float32Array;
}

/**
 * Quantizes `values` (the f32 values of an f32, bf16 or f16 tensor, flattened row-major) as
 * bitsandbytes.functional.quantize_4bit(quant_type='nf4') does on CUDA.
 */
export function quantizeNf4(values: Float32Array, blocksize = 64): Nf4Quantized {
  const n = values.length;
  const absmax = nf4BlockAbsmax(values, blocksize);
  const packed = new Uint8Array((n + 1) >> 1);
  let scale = 0;
  for (let b = 0; b < absmax.length; b++) {
    const start = b * blocksize;
    const end = Math.min(n, start + blocksize);
    scale = reciprocalFtz(absmax[b]!);
    for (let i = start; i < end; i++) {
      const q = nf4Index(mulFtz(values[i]!, scale));
      packed[i >> 1]! |= (i & 1) === 0 ? q << 4 : q;
    }
  }
  // The padding element of an odd count is 0.0, quantized with the last block's scale.
  if (n & 1) packed[n >> 1]! |= nf4Index(mulFtz(0, scale));
  return { packed, absmax };
}

/** code[q] * absmax[block] for each of the n elements (the kernel's f32 product). */
export function dequantizeNf4(packed: Uint8Array, absmax: Float32Array, n: number, blocksize = 64): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const byte = packed[i >> 1]!;
    const q = (i & 1) === 0 ? byte >> 4 : byte & 15;
    out[i] = Math.fround(NF4_CODE[q]! * absmax[Math.floor(i / blocksize)]!);
  }
  return out;
}
