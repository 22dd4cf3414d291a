/**
 * The meta backend: tensors with shapes and dtypes but no memory (torch's `device="meta"`).
 * A model built on it costs nothing, so a loader can decide layer by layer what to allocate
 * (e.g. quantized layers in place of full-precision ones) before `Module.allocateOn` gives the
 * rest real memory. Kernels, uploads and reads fail with a message saying so.
 */
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Backend, BackendLimits } from './backend.js';

const noData = (what: string) =>
  new Error(
    `meta backend: ${what}: meta tensors have a shape but no data (allocate the module on a real backend first)`,
  );

class MetaBackend implements Backend<null> {
  readonly name = 'meta';
  readonly limits: BackendLimits = {
    maxAllocationBytes: Number.POSITIVE_INFINITY,
    maxBindingsPerKernel: Number.POSITIVE_INFINITY,
    computeDTypes: [],
  };

  allocate(_dtype: DType, _size: number): null {
    return null;
  }

  free(_handle: null): void {}

  upload(_handle: null, _dtype: DType, _values: TypedArray): void {
    throw noData('upload');
  }

  download(): Promise<TypedArray> {
    return Promise.reject(noData('download'));
  }

  flush(): void {}

  sync(): Promise<void> {
    return Promise.resolve();
  }

  time(): Promise<number> {
    return Promise.reject(noData('time'));
  }

  dispose(): void {}
}

export const META_BACKEND: Backend = new MetaBackend();
