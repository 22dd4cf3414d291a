/** safetensors dtype names, their sizes, and how each maps to a guinav dtype when loaded. */
import type { DType } from '../../tensor/dtype.js';

/** Every dtype the safetensors format defines, with its size in bytes. */
export const SAFETENSORS_DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
  F8_E4M3: 1,
  F8_E5M2: 1,
} as const;

export type SafetensorsDType = keyof typeof SAFETENSORS_DTYPE_BYTES;

export function isSafetensorsDType(s: string): s is SafetensorsDType {
  return Object.hasOwn(SAFETENSORS_DTYPE_BYTES, s);
}

/** The guinav dtype a safetensors dtype loads as (BOOL as u8; I64 narrowed to i32, checked). */
const TO_DTYPE: Partial<Record<SafetensorsDType, DType>> = {
  BOOL: 'u8',
  U8: 'u8',
  I8: 'i8',
  F16: 'f16',
  BF16: 'bf16',
  I32: 'i32',
  I64: 'i32',
  F32: 'f32',
  F64: 'f64',
};

export function loadedDType(d: SafetensorsDType): DType | undefined {
  return TO_DTYPE[d];
}

const FROM_DTYPE: Record<DType, SafetensorsDType> = {
  f32: 'F32',
  f64: 'F64',
  f16: 'F16',
  bf16: 'BF16',
  u8: 'U8',
  i8: 'I8',
  i32: 'I32',
};

export function safetensorsDType(d: DType): SafetensorsDType {
  return FROM_DTYPE[d];
}
