/**
 * Double quantization (QLoRA's "compress_statistics"): the f32 absmax of the 4-bit blocks is
 * centred on its mean and quantized again to 8 bits with the signed dynamic map, in blocks of 256:
 * quantize_4bit does `offset = absmax.mean(); quantize_blockwise(absmax - offset, blocksize=256)`.
 * Dequantizing gives code[q] * nested_absmax[block] + offset, in f32.
 *
 * The offset is torch's CUDA mean: an f32 sum in a GPU-dependent tree order, times the f32 factor
 * 1/n. We sum exactly (f64), round to f32 and multiply by the same factor; the GPU's f32 tree sum
 * can differ from the exact one in the last bits, which then moves the offset by an ulp.
 */
import { dequantizeBlockwise8, quantizeBlockwise8 } from './blockwise8.js';
import { createDynamicMap } from './dynamic-map.js';

export const NESTED_BLOCKSIZE = 256;

export interface DoubleQuantized {
  /** One u8 code per absmax entry. */
  codes: Uint8Array;
  /** One f32 absmax per 256 codes. */
  nestedAbsmax: Float32Array;
  /** The signed dynamic map the codes index. */
  nestedCode: Float32Array;
  offset: number;
}

/** torch's mean of an f32 tensor: round(sum) * round(1 / n), in f32. */
export function f32Mean(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return Math.fround(Math.fround(sum) * Math.fround(1 / Math.fround(values.length)));
}

export function doubleQuantize(absmax: Float32Array, nestedCode: Float32Array = createDynamicMap()): DoubleQuantized {
  const offset = f32Mean(absmax);
  const centred = absmax.map((v) => Math.fround(v - offset));
  const { codes, absmax: nestedAbsmax } = quantizeBlockwise8(centred, nestedCode, NESTED_BLOCKSIZE);
  return { codes, nestedAbsmax, nestedCode, offset };
}

/** The f32 absmax double quantization stands for: code[q] * nested_absmax + offset. */
export function dequantizeAbsmax(
  q: Pick<DoubleQuantized, 'codes' | 'nestedAbsmax' | 'nestedCode' | 'offset'>,
  nestedBlocksize = NESTED_BLOCKSIZE,
): Float32Array {
  const v = dequantizeBlockwise8(q.codes, q.nestedAbsmax, q.nestedCode, nestedBlocksize);
  for (let i = 0; i < v.length; i++) v[i] = Math.fround(v[i]! + q.offset);
  return v;
}
