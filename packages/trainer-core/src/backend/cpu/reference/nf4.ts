/** The reference (oracle) dequantization of an NF4 weight: plain loops over the whole weight. */
import type { FloatArray } from '../../../tensor/dtype.js';

export interface Nf4Arrays {
  weight: Uint8Array;
  code: Float32Array;
  /** f32 absmax, or u8 codes of the nested quantization. */
  absmax: Float32Array | Uint8Array;
  nestedAbsmax?: Float32Array;
  nestedCode?: Float32Array;
}

export interface Nf4Layout {
  blocksize: number;
  nestedBlocksize: number;
  nestedOffset: number;
}

/** The f32 scale of each block (nested: code[q] * nestedAbsmax + offset, two f32 roundings). */
export function nf4Scales(q: Nf4Arrays, l: Nf4Layout): Float32Array {
  if (!q.nestedAbsmax) return q.absmax as Float32Array;
  const { nestedAbsmax, nestedCode } = q;
  return Float32Array.from(q.absmax, (c, b) =>
    Math.fround(Math.fround(nestedCode![c]! * nestedAbsmax[Math.floor(b / l.nestedBlocksize)]!) + l.nestedOffset),
  );
}

/** Writes the first out.length elements of the dequantized weight (code[nibble] * scale, in f32) into out. */
export function dequantizeNf4Into(out: FloatArray, q: Nf4Arrays, l: Nf4Layout): void {
  const scales = nf4Scales(q, l);
  for (let i = 0; i < out.length; i++) {
    const byte = q.weight[i >> 1]!;
    const nibble = (i & 1) === 0 ? byte >> 4 : byte & 15;
    out[i] = Math.fround(q.code[nibble]! * scales[Math.floor(i / l.blocksize)]!);
  }
}
