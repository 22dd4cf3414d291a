/**
 * bitsandbytes' blockwise 8-bit quantization with a 256-entry code (functional.quantize_blockwise
 * on CUDA: kQuantizeBlockwise<General8bit> and its dQuantize search), used to quantize the absmax
 * values of double quantization. Per block: absmax as for NF4, scale = 1 / absmax multiplied in,
 * then a binary search over the sorted code that ends at the nearer of the two neighbouring codes
 * (comparing against their f32 midpoint, exactly as the kernel does).
 */
import { blockAbsmax, mulFtz, reciprocalFtz } from './cuda-float.js';

/** The kernel's search: the index of the code nearest to x (code sorted ascending, 256 entries). */
export function dynamicIndex(code: Float32Array, x: number): number {
  let pivot = 127;
  let upperPivot = 255;
  let lowerPivot = 0;
  let lower = -1;
  let upper = 1;
  let val = code[pivot]!;
  for (let i = 64; i > 0; i >>= 1) {
    if (x > val) {
      lowerPivot = pivot;
      lower = val;
      pivot += i;
    } else {
      upperPivot = pivot;
      upper = val;
      pivot -= i;
    }
    val = code[pivot]!;
  }
  if (upperPivot === 255) upper = code[upperPivot]!;
  if (lowerPivot === 0) lower = code[lowerPivot]!;
  if (x > val) return x > Math.fround(Math.fround(upper + val) * 0.5) ? upperPivot : pivot;
  return x < Math.fround(Math.fround(lower + val) * 0.5) ? lowerPivot : pivot;
}

export interface Blockwise8Quantized {
  codes: Uint8Array;
  absmax: Float32Array;
}

export function quantizeBlockwise8(values: Float32Array, code: Float32Array, blocksize = 256): Blockwise8Quantized {
  if (code.length !== 256)
    throw new RangeError(`quantizeBlockwise8: the code must have 256 entries, got ${code.length}`);
  const n = values.length;
  const blocks = Math.ceil(n / blocksize);
  const codes = new Uint8Array(n);
  const absmax = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * blocksize;
    const end = Math.min(n, start + blocksize);
    const m = blockAbsmax(values, start, end, end - start < blocksize);
    absmax[b] = m;
    const scale = reciprocalFtz(m);
    for (let i = start; i < end; i++) codes[i] = dynamicIndex(code, mulFtz(values[i]!, scale));
  }
  return { codes, absmax };
}

/** code[q] * absmax[block] (the kernel's f32 product). */
export function dequantizeBlockwise8(
  codes: Uint8Array,
  absmax: Float32Array,
  code: Float32Array,
  blocksize = 256,
): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = Math.fround(code[codes[i]!]! * absmax[Math.floor(i / blocksize)]!);
  return out;
}
