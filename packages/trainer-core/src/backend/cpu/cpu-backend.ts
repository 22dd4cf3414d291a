/**
 * The CPU backend: tensor data lives in one shared `CpuHeap` (a WebAssembly.Memory), so the
 * fast WASM kernels and their worker threads work on it in place. Kernels run at once, on the
 * calling thread (and the pool's workers), so `flush` and `sync` have nothing to wait for. Each
 * kernel file (kernels/*.ts) registers a reference path and, where one exists, a fast path
 * through `registerCpuKernel`.
 */
import { bytesPerElement, type DType, type FloatArray, type TypedArray, typedArrayFor } from '../../tensor/dtype.js';
import type { Backend, BackendLimits, TensorInfo } from '../backend.js';
import type { CpuFastKernels } from './fast-kernels.js';
import { CpuHeap, MAX_PAGES, PAGE_BYTES } from './heap.js';
import './kernels/index.js';

export interface CpuBackendOptions {
  heap?: CpuHeap;
  /** Fast WASM SIMD kernels over the same heap; the reference kernels run when absent. */
  fast?: CpuFastKernels;
}

/** Elements a strided view touches, from its first element to its last. */
function span(info: TensorInfo): number {
  if (info.size === 0) return 0;
  let last = 0;
  for (let i = 0; i < info.shape.length; i++) last += (info.shape[i]! - 1) * info.strides[i]!;
  return last + 1;
}

const CPU_LIMITS: BackendLimits = {
  // wasm32 addresses 4 GiB; one allocation can take at most what is left of it.
  maxAllocationBytes: MAX_PAGES * PAGE_BYTES,
  maxBindingsPerKernel: Number.POSITIVE_INFINITY,
  computeDTypes: ['f32', 'f64'],
};

export class CpuBackend implements Backend<number> {
  readonly name = 'cpu';
  readonly limits = CPU_LIMITS;
  readonly heap: CpuHeap;
  readonly fast: CpuFastKernels | undefined;

  constructor(options: CpuBackendOptions = {}) {
    this.heap = options.heap ?? new CpuHeap();
    this.fast = options.fast;
  }

  allocate(dtype: DType, size: number): number {
    return this.heap.alloc(size * bytesPerElement(dtype));
  }

  /** Kernels have finished by the time the caller frees, so the block is reused at once. */
  free(handle: number): void {
    this.heap.release(handle);
  }

  upload(handle: number, dtype: DType, values: TypedArray, offset = 0): void {
    const bpe = bytesPerElement(dtype);
    if (values.BYTES_PER_ELEMENT !== bpe) {
      throw new TypeError(`CpuBackend.upload: ${values.constructor.name} does not hold ${dtype} elements`);
    }
    typedArrayFor(dtype, this.heap.buffer, handle + offset * bpe, values.length).set(values as never);
  }

  download(handle: number, dtype: DType, offset: number, size: number): Promise<TypedArray> {
    return Promise.resolve(this.downloadSync(handle, dtype, offset, size));
  }

  downloadSync(handle: number, dtype: DType, offset: number, size: number): TypedArray {
    return typedArrayFor(dtype, this.heap.buffer, handle + offset * bytesPerElement(dtype), size).slice();
  }

  flush(): void {}

  sync(): Promise<void> {
    return Promise.resolve();
  }

  /** Kernels run synchronously, so the device time of `fn`'s work is its wall time. */
  time(fn: () => void): Promise<number> {
    const start = performance.now();
    fn();
    return Promise.resolve(performance.now() - start);
  }

  dispose(): void {
    this.fast?.dispose();
  }

  // ---- helpers for kernels ----

  /** Byte address of the view's first element (for the fast kernels). */
  pointer(info: TensorInfo): number {
    return (info.handle as number) + info.offset * bytesPerElement(info.dtype);
  }

  /** Typed view of every element the tensor touches, indexed from its first element. */
  view(info: TensorInfo): TypedArray {
    return typedArrayFor(info.dtype, this.heap.buffer, this.pointer(info), span(info));
  }

  /** Float view; the definition's `infer` has already checked the dtype is f32 or f64. */
  floats(info: TensorInfo): FloatArray {
    return this.view(info) as FloatArray;
  }

  ints(info: TensorInfo): Int32Array {
    return this.view(info) as Int32Array;
  }
}
