/** Builds a ready CPU backend: the shared heap, and unless asked not to, the fast WASM SIMD kernels. */
import { CpuBackend } from './cpu-backend.js';
import { CpuHeap } from './heap.js';
import { type CpuFastKernelOptions, createCpuFastKernels } from './wasm/create-fast-kernels.js';

export interface CreateCpuBackendOptions extends CpuFastKernelOptions {
  /** Plain TypeScript reference kernels only (the oracle; slow). Default false. */
  reference?: boolean;
  /** Initial heap size in bytes (it grows on demand up to wasm32's 4 GiB). */
  heapBytes?: number;
}

export async function createCpuBackend(options: CreateCpuBackendOptions = {}): Promise<CpuBackend> {
  const heap = new CpuHeap(options.heapBytes);
  if (options.reference) return new CpuBackend({ heap });
  const fast = await createCpuFastKernels(heap, options);
  return new CpuBackend({ heap, fast });
}
