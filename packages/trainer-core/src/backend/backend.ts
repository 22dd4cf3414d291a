/**
 * The contract every compute backend implements (cpu now, webgpu next), deliberately small in
 * the style of jax-js: memory, transfers, ordering and timing. Kernels are not methods: each
 * backend registers one implementation per kernel definition (registry.ts, one file per kernel).
 *
 * Execution model. Kernel calls are issued in program order and may run later (a GPU backend
 * records them into command buffers). Nothing but `download` (and `sync` / `time`) waits for
 * them, so the training hot path never reads back per op: metrics stay on the device and are
 * read once, packed, on logging steps (ops/transfer.ts `readScalars`).
 *
 * Reference counting happens one level up (`Storage` in tensor/tensor.ts): views share one
 * allocation and `free` runs when the last reference goes.
 */
import type { DType, TypedArray } from '../tensor/dtype.js';

/** What a kernel sees of a tensor: the allocation's handle plus the view into it (elements, not bytes). */
export interface TensorInfo<H = unknown> {
  readonly handle: H;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** What a backend can do at most, for ops and kernels that must stay within it. */
export interface BackendLimits {
  /** Largest allocation in bytes. */
  readonly maxAllocationBytes: number;
  /**
   * Most tensors one kernel may bind (WebGPU: storage buffers per shader stage). Kernels with more
   * inputs and outputs must pack them; Infinity where there is no such limit (cpu).
   */
  readonly maxBindingsPerKernel: number;
  /** Dtypes the backend's kernels compute in ('f64' is a CPU reference dtype). */
  readonly computeDTypes: readonly DType[];
}

export interface Backend<H = unknown> {
  /** Registry key of this backend's kernels: 'cpu' | 'webgpu'. */
  readonly name: string;
  readonly limits: BackendLimits;
  /** Contents unspecified. A backend may pool allocations by size. */
  allocate(dtype: DType, size: number): H;
  /**
   * Gives an allocation back. The caller never uses the handle again; a backend with queued
   * work that still reads it may defer the release until that work has been submitted.
   */
  free(handle: H): void;
  /** Writes `values` (the dtype's typed array) at element `offset`; ordered with queued kernels. */
  upload(handle: H, dtype: DType, values: TypedArray, offset?: number): void;
  /** Reads `size` elements from element `offset`, after every kernel queued before it has run. */
  download(handle: H, dtype: DType, offset: number, size: number): Promise<TypedArray>;
  /** Synchronous read for backends whose memory the host can see (cpu); absent otherwise. */
  downloadSync?(handle: H, dtype: DType, offset: number, size: number): TypedArray;
  /** Submits queued work without waiting for it (a no-op where kernels run at once). */
  flush(): void;
  /** Resolves once every kernel queued so far has finished. */
  sync(): Promise<void>;
  /**
   * Runs `fn`, which queues kernels, and resolves with the milliseconds the device spent on
   * that work (GPU timestamps where available), not the time it took to encode it.
   */
  time(fn: () => void): Promise<number>;
  /** Releases everything the backend holds. Tensors on it become unusable. */
  dispose(): void;
}
