/**
 * Matmul with a 4-bit block-quantized weight (NF4, bitsandbytes' layout), dequantized block by
 * block inside the kernel: the full-precision weight never exists in memory.
 */
import type { TensorMeta } from './define.js';
import { defineKernel } from './define.js';
import { floatDType, requireDType, requireFinite, requireSize } from './infer.js';

export interface Nf4MatmulAttrs {
  /** The weight W is [outFeatures, inFeatures] (a Linear's), flattened row-major into blocks. */
  outFeatures: number;
  inFeatures: number;
  /** Elements per absmax block (a power of two; bitsandbytes' default 64). */
  blocksize: number;
  /**
   * false: y = x W^T, x [..., in] -> [..., out] (the forward of a Linear). true: y = x W,
   * x [..., out] -> [..., in] (its input gradient).
   */
  transposed: boolean;
  /** Double quantization: absmax[b] = nestedCode[absmax_u8[b]] * nestedAbsmax[b / nestedBlocksize] + nestedOffset. */
  nestedBlocksize: number;
  nestedOffset: number;
}

const K = 'Nf4Matmul';
const isPowerOfTwo = (v: number) => Number.isInteger(v) && v >= 2 && (v & (v - 1)) === 0;

/** The number of absmax blocks of a quantized [out, in] weight. */
export function nf4Blocks(a: Pick<Nf4MatmulAttrs, 'outFeatures' | 'inFeatures' | 'blocksize'>): number {
  return Math.ceil((a.outFeatures * a.inFeatures) / a.blocksize);
}

function checkQuantized(
  [weight, code, absmax, nestedAbsmax, nestedCode]: readonly (TensorMeta | undefined)[],
  a: Nf4MatmulAttrs,
): void {
  for (const [name, v] of [
    ['outFeatures', a.outFeatures],
    ['inFeatures', a.inFeatures],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${K}: ${name} must be a positive integer, got ${v}`);
  }
  if (!isPowerOfTwo(a.blocksize)) throw new RangeError(`${K}: blocksize must be a power of two, got ${a.blocksize}`);
  requireDType(K, weight!, 'weight', 'u8');
  requireSize(K, weight!, 'weight', Math.ceil((a.outFeatures * a.inFeatures) / 2));
  requireDType(K, code!, 'code', 'f32');
  requireSize(K, code!, 'code', 16);
  const blocks = nf4Blocks(a);
  requireSize(K, absmax!, 'absmax', blocks);
  if (!nestedAbsmax) {
    requireDType(K, absmax!, 'absmax', 'f32');
    return;
  }
  if (!nestedCode) throw new TypeError(`${K}: nestedAbsmax needs nestedCode`);
  if (!isPowerOfTwo(a.nestedBlocksize)) {
    throw new RangeError(`${K}: nestedBlocksize must be a power of two, got ${a.nestedBlocksize}`);
  }
  requireFinite(K, 'nestedOffset', a.nestedOffset);
  requireDType(K, absmax!, 'absmax', 'u8');
  requireDType(K, nestedAbsmax, 'nestedAbsmax', 'f32');
  requireSize(K, nestedAbsmax, 'nestedAbsmax', Math.ceil(blocks / a.nestedBlocksize));
  requireDType(K, nestedCode, 'nestedCode', 'f32');
  requireSize(K, nestedCode, 'nestedCode', 256);
}

/**
 * [x, weight u8, code f32[16], absmax (f32 [blocks], or u8 [blocks] with double quantization),
 * nestedAbsmax?, nestedCode? f32[256]] -> x W^T (or x W when transposed). Element i of the
 * flattened weight is code[nibble i] * absmax[i / blocksize], nibble 2j in the high half of byte j.
 */
export const Nf4Matmul = defineKernel<Nf4MatmulAttrs>(K, {
  inputs: ['x', 'weight', 'code', 'absmax', 'nestedAbsmax?', 'nestedCode?'],
  outputs: ['y'],
  specialize: ['transposed'],
  differentiable: true,
  infer: ([x, ...quantized], attrs) => {
    const dtype = floatDType(K, [x], ['x']);
    checkQuantized(quantized, attrs);
    const [inner, outer] = attrs.transposed
      ? [attrs.outFeatures, attrs.inFeatures]
      : [attrs.inFeatures, attrs.outFeatures];
    const last = x!.shape[x!.shape.length - 1];
    if (x!.shape.length < 1 || last !== inner) {
      throw new RangeError(`${K}: x must end in ${inner} features, got [${x!.shape.join(', ')}]`);
    }
    return [{ shape: [...x!.shape.slice(0, -1), outer], dtype }];
  },
});

export type Nf4DequantizeAttrs = Omit<Nf4MatmulAttrs, 'transposed'>;

/** [weight, code, absmax, nestedAbsmax?, nestedCode?] -> the f32 weight [outFeatures, inFeatures] (merging LoRA into it). */
export const Nf4Dequantize = defineKernel<Nf4DequantizeAttrs>('Nf4Dequantize', {
  inputs: ['weight', 'code', 'absmax', 'nestedAbsmax?', 'nestedCode?'],
  outputs: ['w'],
  differentiable: false,
  infer: (quantized, attrs) => {
    checkQuantized(quantized, { ...attrs, transposed: false });
    return [{ shape: [attrs.outFeatures, attrs.inFeatures], dtype: 'f32' }];
  },
});
