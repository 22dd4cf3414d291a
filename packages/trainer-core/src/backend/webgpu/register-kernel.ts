/** Registers a WebGPU implementation of a kernel definition (one file per kernel in kernels/). */
import type { KernelDef } from '../../kernels/define.js';
import { type KernelArgs, registerKernel } from '../registry.js';
import type { WebGpuBackend } from './webgpu-backend.js';

export type GpuKernelArgs<A> = KernelArgs<WebGpuBackend, A>;

export function registerWebGpuKernel<A>(def: KernelDef<A>, impl: (args: GpuKernelArgs<A>) => void): void {
  registerKernel<WebGpuBackend, A>(def, 'webgpu', impl);
}
