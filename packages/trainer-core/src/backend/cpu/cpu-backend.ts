/**
 * The CPU backend: tensor data lives in one shared `CpuHeap` (a WebAssembly.Memory), so the
 * fast WASM kernels and their worker threads work on it in place. Each kernel (kernels/*.ts)
 * calls the fast kernel when one is given and applies, otherwise the plain TypeScript
 * reference in reference/*.ts, which is also the oracle for tests and the only path for f64.
 */
import { bytesPerElement, type DType, type FloatArray, type TypedArray, typedArrayFor } from '../../tensor/dtype.js';
import { shapeSize } from '../../tensor/shape.js';
import type { Backend, KernelOutput, TensorInfo } from '../backend.js';
import type { CpuFastKernels } from './fast-kernels.js';
import { CpuHeap } from './heap.js';
import './kernels/index.js';

export interface CpuBackendOptions {
  heap?: CpuHeap;
  /** Fast WASM SIMD kernels over the same heap; the reference kernels run when absent. */
  fast?: CpuFastKernels;
}

/** What a kernel that computes in f32/f64 says about another dtype (f16/bf16 only store data). */
function notComputed(dtype: DType): string {
  return dtype === 'f16' || dtype === 'bf16'
    ? `${dtype} is a storage type: cast it to f32 first`
    : `kernels compute in f32/f64, not ${dtype}`;
}

/** Elements a strided view touches, from its first element to its last. */
function span(info: TensorInfo): number {
  if (info.size === 0) return 0;
  let last = 0;
  for (let i = 0; i < info.shape.length; i++) last += (info.shape[i]! - 1) * info.strides[i]!;
  return last + 1;
}

export class CpuBackend implements Backend<number> {
  readonly name = 'cpu';
  readonly heap: CpuHeap;
  readonly fast: CpuFastKernels | undefined;

  constructor(options: CpuBackendOptions = {}) {
    this.heap = options.heap ?? new CpuHeap();
    this.fast = options.fast;
  }

  allocate(dtype: DType, size: number): number {
    return this.heap.alloc(size * bytesPerElement(dtype));
  }

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

  /** Float view (f32 or f64); throws naming the kernel for other dtypes. */
  floats(info: TensorInfo, what: string): FloatArray {
    if (info.dtype !== 'f32' && info.dtype !== 'f64') {
      throw new TypeError(`${what}: expected an f32 or f64 tensor, got ${info.dtype} (${notComputed(info.dtype)})`);
    }
    return this.view(info) as FloatArray;
  }

  ints(info: TensorInfo, what: string): Int32Array {
    if (info.dtype !== 'i32') throw new TypeError(`${what}: expected an i32 tensor, got ${info.dtype}`);
    return this.view(info) as Int32Array;
  }

  /** A new contiguous output and a typed view of it. */
  output(dtype: DType, shape: readonly number[]): { out: KernelOutput; data: TypedArray; ptr: number } {
    const size = shapeSize(shape);
    const ptr = this.allocate(dtype, size);
    return { out: { handle: ptr, dtype, shape }, data: typedArrayFor(dtype, this.heap.buffer, ptr, size), ptr };
  }

  floatOutput(dtype: DType, shape: readonly number[]): { out: KernelOutput; data: FloatArray; ptr: number } {
    if (dtype !== 'f32' && dtype !== 'f64') {
      throw new TypeError(`expected f32 or f64 data, got ${dtype} (${notComputed(dtype)})`);
    }
    const o = this.output(dtype, shape);
    return { out: o.out, data: o.data as FloatArray, ptr: o.ptr };
  }

  /** Whether the fast kernels apply: present and the data is f32. */
  fastFor(dtype: DType): CpuFastKernels | undefined {
    return dtype === 'f32' ? this.fast : undefined;
  }
}
