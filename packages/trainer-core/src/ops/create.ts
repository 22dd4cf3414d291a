/** Creating tensors from host data, constants and seeded random values. */
import type { Backend } from '../backend/backend.js';
import { Fill } from '../kernels/index.js';
import type { TrainingRng } from '../random/training-rng.js';
import { type DType, matchesDType, type TypedArray } from '../tensor/dtype.js';
import { getBackend, runKernel } from '../tensor/engine.js';
import { assertShape, formatShape, shapeSize } from '../tensor/shape.js';
import { Storage, Tensor } from '../tensor/tensor.js';

export interface CreateOptions {
  /** Where the tensor lives; the engine's current backend by default. */
  backend?: Backend;
}

function inferDType(values: TypedArray | readonly number[]): DType {
  if (values instanceof Float32Array) return 'f32';
  if (values instanceof Float64Array) return 'f64';
  if (values instanceof Int32Array) return 'i32';
  if (values instanceof Uint8Array) return 'u8';
  if (values instanceof Int8Array) return 'i8';
  if (values instanceof Uint16Array) {
    throw new TypeError('tensor: a Uint16Array holds f16 or bf16 bits; pass the dtype explicitly');
  }
  return 'f32';
}

function toTypedArray(values: TypedArray | readonly number[], dtype: DType): TypedArray {
  if (!Array.isArray(values) && matchesDType(values as TypedArray, dtype)) return values as TypedArray;
  if (dtype === 'f16' || dtype === 'bf16') {
    throw new TypeError(`tensor: ${dtype} data must be given as a Uint16Array of bit patterns (see tensor/half.ts)`);
  }
  const list = values as ArrayLike<number>;
  switch (dtype) {
    case 'f32':
      return Float32Array.from(list);
    case 'f64':
      return Float64Array.from(list);
    case 'i32':
      return Int32Array.from(list);
    case 'u8':
      return Uint8Array.from(list);
    default:
      return Int8Array.from(list);
  }
}

/**
 * A tensor holding `values` (row-major). The shape defaults to 1-D; the dtype follows the typed
 * array (plain arrays give f32) unless given; values are converted to the dtype's array type.
 */
export function tensor(
  values: TypedArray | readonly number[],
  shape: readonly number[] = [values.length],
  dtype?: DType,
  options: CreateOptions = {},
): Tensor {
  assertShape(shape, 'tensor');
  const type = dtype ?? inferDType(values);
  if (shapeSize(shape) !== values.length) {
    throw new RangeError(`tensor: ${values.length} values do not fill shape ${formatShape(shape)}`);
  }
  const data = toTypedArray(values, type);
  const backend = options.backend ?? getBackend();
  const handle = backend.allocate(type, data.length);
  try {
    backend.upload(handle, type, data);
  } catch (err) {
    backend.free(handle);
    throw err;
  }
  return new Tensor(new Storage(backend, handle, type, data.length), [...shape]);
}

/**
 * A tensor whose contents are unspecified (torch.empty): allocated on the backend and never
 * written, for parameters that a checkpoint fills next and for outputs written in place.
 */
export function empty(shape: readonly number[], dtype: DType = 'f32', options: CreateOptions = {}): Tensor {
  assertShape(shape, 'empty');
  const backend = options.backend ?? getBackend();
  const size = shapeSize(shape);
  return new Tensor(new Storage(backend, backend.allocate(dtype, size), dtype, size), [...shape]);
}

export function scalar(value: number, dtype: DType = 'f32', options: CreateOptions = {}): Tensor {
  return full([], value, dtype, options);
}

export function full(
  shape: readonly number[],
  value: number,
  dtype: DType = 'f32',
  options: CreateOptions = {},
): Tensor {
  assertShape(shape, 'full');
  return runKernel(Fill, [], { shape: [...shape], dtype, value }, options.backend ?? getBackend())[0]!;
}

export function zeros(shape: readonly number[], dtype: DType = 'f32', options: CreateOptions = {}): Tensor {
  return full(shape, 0, dtype, options);
}

export function ones(shape: readonly number[], dtype: DType = 'f32', options: CreateOptions = {}): Tensor {
  return full(shape, 1, dtype, options);
}

export function zerosLike(x: Tensor): Tensor {
  return full(x.shape, 0, x.dtype, { backend: x.backend });
}

export function onesLike(x: Tensor): Tensor {
  return full(x.shape, 1, x.dtype, { backend: x.backend });
}

/** Values drawn from N(mean, std^2) with a seeded generator. */
export function randn(
  shape: readonly number[],
  rng: TrainingRng,
  options: CreateOptions & { mean?: number; std?: number; dtype?: 'f32' | 'f64' } = {},
): Tensor {
  const size = shapeSize(shape);
  const data = options.dtype === 'f64' ? new Float64Array(size) : new Float32Array(size);
  rng.fillNormal(data, options.mean ?? 0, options.std ?? 1);
  return tensor(data, shape, options.dtype ?? 'f32', options);
}

/** Values drawn uniformly from [low, high) with a seeded generator. */
export function randUniform(
  shape: readonly number[],
  rng: TrainingRng,
  low: number,
  high: number,
  options: CreateOptions & { dtype?: 'f32' | 'f64' } = {},
): Tensor {
  const size = shapeSize(shape);
  const data = options.dtype === 'f64' ? new Float64Array(size) : new Float32Array(size);
  rng.fillUniform(data, low, high);
  return tensor(data, shape, options.dtype ?? 'f32', options);
}

/** 0, 1, ..., n - 1 as i32 (positions, indices). */
export function arange(n: number, options: CreateOptions = {}): Tensor {
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = i;
  return tensor(data, [n], 'i32', options);
}
