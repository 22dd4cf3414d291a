/** Checks that kernel definitions' `infer` functions share; each message names the kernel and input. */
import type { DType, FloatDType } from '../tensor/dtype.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { TensorMeta } from './define.js';

/** Why a dtype cannot be computed in (f16/bf16 are storage types; integers hold ids, masks, packed data). */
function notComputed(dtype: DType): string {
  return dtype === 'f16' || dtype === 'bf16'
    ? `${dtype} is a storage type: cast it to f32 first`
    : `kernels compute in f32/f64, not ${dtype}`;
}

/**
 * The compute dtype of a kernel call: every listed input holds the same float dtype, f32 or f64
 * (f64 is a CPU-only reference dtype; other backends reject it when they implement the kernel).
 */
export function floatDType(
  kernel: string,
  inputs: readonly (TensorMeta | undefined)[],
  names: readonly string[],
): FloatDType {
  let dtype: DType | undefined;
  let first = '';
  inputs.forEach((t, i) => {
    if (!t) return;
    const name = names[i] ?? `input ${i}`;
    if (t.dtype !== 'f32' && t.dtype !== 'f64') {
      throw new TypeError(`${kernel}: ${name} is ${t.dtype} (${notComputed(t.dtype)})`);
    }
    if (dtype === undefined) {
      dtype = t.dtype;
      first = name;
    } else if (t.dtype !== dtype) {
      throw new TypeError(`${kernel}: dtypes differ (${first} is ${dtype}, ${name} is ${t.dtype})`);
    }
  });
  return (dtype ?? 'f32') as FloatDType;
}

export function requireDType(kernel: string, t: TensorMeta, name: string, dtype: DType): void {
  if (t.dtype !== dtype) throw new TypeError(`${kernel}: ${name} must be ${dtype}, got ${t.dtype}`);
}

export function requireShape(kernel: string, t: TensorMeta, name: string, shape: readonly number[]): void {
  if (!shapesEqual(t.shape, shape)) {
    throw new RangeError(`${kernel}: ${name} must have shape ${formatShape(shape)}, got ${formatShape(t.shape)}`);
  }
}

export function requireSize(kernel: string, t: TensorMeta, name: string, size: number): void {
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (n !== size)
    throw new RangeError(`${kernel}: ${name} must have ${size} elements, got ${n} (${formatShape(t.shape)})`);
}

export function requireRank(kernel: string, t: TensorMeta, name: string, rank: number, layout: string): void {
  if (t.shape.length !== rank) {
    throw new RangeError(`${kernel}: ${name} must be ${layout}, got ${formatShape(t.shape)}`);
  }
}

export function requireFinite(kernel: string, name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${kernel}: ${name} must be a finite number, got ${value}`);
}

export function requireAxis(kernel: string, axis: number, rank: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= Math.max(rank, 1)) {
    throw new RangeError(`${kernel}: axis ${axis} is out of range for rank ${rank}`);
  }
}

/** An output like `t` in another dtype. */
export function like(t: TensorMeta, dtype: DType = t.dtype): TensorMeta {
  return { shape: t.shape, dtype };
}
