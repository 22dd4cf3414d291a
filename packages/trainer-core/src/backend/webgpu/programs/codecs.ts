/**
 * Reading and writing elements of any dtype through raw 32-bit words. Every storage dtype has a
 * WGSL reader set generated per binding (`x_bits(i)`, `x_f32(i)`, `x_i32(i)`, `x_nz(i)`, element
 * i counted from the view's offset) and an encoder from an f32 or i32 value to its bits, so
 * f16/bf16/u8/i8 tensors work without `shader-f16` or 8-bit storage.
 */
import { bytesPerElement, type DType } from '../../../tensor/dtype.js';

/** Elements per 32-bit word. */
export function perWord(dtype: DType): number {
  return 4 / bytesPerElement(dtype);
}

/** Whether values of `dtype` are integers (read with `_i32`) rather than floats. */
export function isIntegerDType(dtype: DType): boolean {
  return dtype === 'i32' || dtype === 'u8' || dtype === 'i8';
}

function decodeF32(dtype: DType, bits: string): string {
  switch (dtype) {
    case 'f32':
      return `bitcast<f32>(${bits})`;
    case 'f16':
      return `f16_to_f32(${bits})`;
    case 'bf16':
      return `bf16_to_f32(${bits})`;
    default:
      return `f32(${decodeI32(dtype, bits)})`;
  }
}

function decodeI32(dtype: DType, bits: string): string {
  switch (dtype) {
    case 'i32':
      return `bitcast<i32>(${bits})`;
    case 'u8':
      return `i32(${bits})`;
    case 'i8':
      return `(bitcast<i32>(${bits} << 24u) >> 24u)`;
    default:
      return `f32_to_i32_wrap(${decodeF32(dtype, bits)})`;
  }
}

/** WGSL readers of the words binding `name` holding `dtype` (see the file comment). */
export function readers(name: string, dtype: DType): string {
  const per = perWord(dtype);
  const bytes = bytesPerElement(dtype);
  const load =
    per === 1
      ? `${name}[u.${name}_o + i]`
      : `elem_bits(${name}[(u.${name}_o + i) / ${per}u], u.${name}_o + i, ${bytes}u)`;
  const nonzero =
    dtype === 'f32'
      ? '(b & 0x7fffffffu) != 0u'
      : dtype === 'f16' || dtype === 'bf16'
        ? '(b & 0x7fffu) != 0u'
        : 'b != 0u';
  return /* wgsl */ `
fn ${name}_bits(i: u32) -> u32 { return ${load}; }
fn ${name}_f32(i: u32) -> f32 { return ${decodeF32(dtype, `${name}_bits(i)`)}; }
fn ${name}_i32(i: u32) -> i32 { return ${decodeI32(dtype, `${name}_bits(i)`)}; }
fn ${name}_nz(i: u32) -> bool { let b = ${name}_bits(i); return ${nonzero}; }`;
}

/**
 * WGSL bits of `to` for a value: `float` an f32 expression, or `int` an i32 one (casts between
 * dtypes as the CPU does: floats to integers truncate and wrap, f16/bf16 round to nearest even).
 */
export function encode(value: string, from: 'float' | 'int', to: DType): string {
  if (from === 'int') {
    switch (to) {
      case 'i32':
        return `bitcast<u32>(${value})`;
      case 'u8':
      case 'i8':
        return `(bitcast<u32>(${value}) & 0xffu)`;
      default:
        return encode(`f32(${value})`, 'float', to);
    }
  }
  switch (to) {
    case 'f32':
      return `bitcast<u32>(${value})`;
    case 'f16':
      return `f32_to_f16(${value})`;
    case 'bf16':
      return `f32_to_bf16(${value})`;
    default:
      return encode(`f32_to_i32_wrap(${value})`, 'int', to);
  }
}

/** The bits a host value has in `dtype` (for Fill), as the CPU writes them into its typed array. */
export function valueBits(
  value: number,
  dtype: DType,
  toHalf: (x: number) => number,
  toBf16: (x: number) => number,
): number {
  const view = new DataView(new ArrayBuffer(4));
  switch (dtype) {
    case 'f32':
      view.setFloat32(0, value, true);
      return view.getUint32(0, true);
    case 'f16':
      return toHalf(value);
    case 'bf16':
      return toBf16(value);
    case 'i32':
      view.setInt32(0, value, true);
      return view.getUint32(0, true);
    case 'u8':
    case 'i8':
      view.setInt8(0, value);
      return view.getUint8(0);
    default:
      throw new TypeError(`webgpu: ${dtype} has no WebGPU storage`);
  }
}
