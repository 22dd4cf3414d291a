/**
 * Element types. `f32` is the compute type; `f64` runs only on the CPU reference kernels (it is
 * the oracle for finite-difference gradient checks); `f16`/`bf16` are storage types that are
 * converted to f32 before compute; `u8`/`i8` hold quantized data; `i32` holds token ids and masks.
 */
export type DType = 'f32' | 'f64' | 'f16' | 'bf16' | 'u8' | 'i8' | 'i32';

/** The types kernels compute in. */
export type FloatDType = 'f32' | 'f64';

export type TypedArray = Float32Array | Float64Array | Uint16Array | Uint8Array | Int8Array | Int32Array;

export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['f32', 'f64', 'f16', 'bf16', 'u8', 'i8', 'i32'];

const BYTES: Record<DType, number> = { f32: 4, f64: 8, f16: 2, bf16: 2, u8: 1, i8: 1, i32: 4 };

export function bytesPerElement(dtype: DType): number {
  return BYTES[dtype];
}

export function isFloatDType(dtype: DType): dtype is FloatDType {
  return dtype === 'f32' || dtype === 'f64';
}

/** The typed array a dtype is stored in (f16 and bf16 as raw 16-bit patterns). */
export function typedArrayFor(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray {
  switch (dtype) {
    case 'f32':
      return new Float32Array(buffer, byteOffset, length);
    case 'f64':
      return new Float64Array(buffer, byteOffset, length);
    case 'f16':
    case 'bf16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'u8':
      return new Uint8Array(buffer, byteOffset, length);
    case 'i8':
      return new Int8Array(buffer, byteOffset, length);
    case 'i32':
      return new Int32Array(buffer, byteOffset, length);
  }
}

export function allocTypedArray(dtype: DType, length: number): TypedArray {
  return typedArrayFor(dtype, new ArrayBuffer(length * BYTES[dtype]), 0, length);
}

/** Whether `values` is the typed array class `dtype` is stored in. */
export function matchesDType(values: TypedArray, dtype: DType): boolean {
  switch (dtype) {
    case 'f32':
      return values instanceof Float32Array;
    case 'f64':
      return values instanceof Float64Array;
    case 'f16':
    case 'bf16':
      return values instanceof Uint16Array;
    case 'u8':
      return values instanceof Uint8Array;
    case 'i8':
      return values instanceof Int8Array;
    case 'i32':
      return values instanceof Int32Array;
  }
}

export function assertDType(value: string, what: string): DType {
  if ((DTYPES as readonly string[]).includes(value)) return value as DType;
  throw new TypeError(`${what}: unknown dtype ${JSON.stringify(value)}; expected one of ${DTYPES.join(', ')}`);
}
