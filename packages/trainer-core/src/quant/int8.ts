/**
 * LLM.int8() weight quantization as bitsandbytes' Int8Params writes it (`W.weight` i8 [out, in],
 * `W.SCB` f32 [out], `W.weight_format` u8 scalar 0 = row-major): the weight is first cast to
 * float16, then each row is scaled by 127 / absmax(row) and rounded to nearest even
 * (int8_vectorwise_quant on CUDA, kInt8VectorQuant). SCB holds the rows' absmax;
 * dequantizing is CB * SCB / 127.
 *
 * CUDA computes 127 / absmax with `__fdividef` (an approximate division, within 2 ulp); we divide
 * exactly, so a code can differ by one where x * 127 / absmax lies within a few ulps of a half.
 */
import { f16ArrayToF32, f32ArrayToF16 } from '../tensor/half.js';
import { fmaxf } from './cuda-float.js';

export interface Int8Quantized {
  /** Row-major int8 codes, [rows, cols]. */
  codes: Int8Array;
  /** Per-row absmax of the float16 weights (bitsandbytes' SCB). */
  scb: Float32Array;
}

/** Round half to even (`__float2int_rn`); NaN gives 0. */
function roundEven(x: number): number {
  if (Number.isNaN(x)) return 0;
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function quantizeInt8Rows(values: Float32Array, rows: number, cols: number): Int8Quantized {
  if (values.length !== rows * cols) {
    throw new RangeError(`quantizeInt8Rows: ${values.length} values do not make ${rows} x ${cols}`);
  }
  const half = f16ArrayToF32(f32ArrayToF16(values));
  const codes = new Int8Array(rows * cols);
  const scb = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = half.subarray(r * cols, (r + 1) * cols);
    let m = -0;
    for (const v of row) m = fmaxf(m, Math.abs(v));
    scb[r] = m;
    const scale = Math.fround(127 / m);
    for (let c = 0; c < cols; c++) codes[r * cols + c] = roundEven(Math.fround(row[c]! * scale));
  }
  return { codes, scb };
}

/** CB * SCB / 127 per row, as int8_vectorwise_dequant: `A * stats * 7.874015718698502e-3` in f32. */
export function dequantizeInt8Rows(codes: Int8Array, scb: Float32Array, cols: number): Float32Array {
  const out = new Float32Array(codes.length);
  const inv = Math.fround(7.874015718698502e-3);
  for (let i = 0; i < codes.length; i++) {
    out[i] = Math.fround(Math.fround(codes[i]! * scb[Math.floor(i / cols)]!) * inv);
  }
  return out;
}
