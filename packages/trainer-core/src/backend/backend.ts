/**
 * The interface every compute backend implements (cpu now, webgpu later). It is deliberately
 * small, in the style of jax-js: memory (allocate / free), transfers (upload / download) and
 * nothing else. Kernels are not methods: they live in a registry keyed by (kernel name, backend
 * name), one file per kernel per backend (see registry.ts), in the style of tfjs.
 *
 * Reference counting happens one level up (`Storage` in tensor/tensor.ts): views and reshapes
 * share one allocation and the backend's `free` runs when the last reference goes.
 */
import type { DType, TypedArray } from '../tensor/dtype.js';

/**
 * What a kernel sees of an input tensor: the backend's handle of the allocation plus the view
 * into it. `offset` and `strides` count elements, not bytes.
 */
export interface TensorInfo<H = unknown> {
  readonly handle: H;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** A kernel output: a fresh, contiguous allocation owned by the caller. */
export interface KernelOutput<H = unknown> {
  readonly handle: H;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

export interface Backend<H = unknown> {
  /** Registry key of this backend's kernels: 'cpu' | 'webgpu'. */
  readonly name: string;
  /** Contents unspecified. A backend may pool allocations by size. */
  allocate(dtype: DType, size: number): H;
  free(handle: H): void;
  /** Writes `values` (the dtype's typed array) at element `offset` of the allocation. */
  upload(handle: H, dtype: DType, values: TypedArray, offset?: number): void;
  /** Reads `size` elements from element `offset`. Resolves once every queued kernel has finished. */
  download(handle: H, dtype: DType, offset: number, size: number): Promise<TypedArray>;
  /** Synchronous read for backends whose memory the host can see (cpu); absent otherwise. */
  downloadSync?(handle: H, dtype: DType, offset: number, size: number): TypedArray;
  /** Releases everything the backend holds. Tensors on it become unusable. */
  dispose(): void;
}
