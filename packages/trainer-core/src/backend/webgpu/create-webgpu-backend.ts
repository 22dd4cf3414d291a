/** Creates the WebGPU backend on the best adapter Dawn offers (or the one asked for). */
import { type AdapterPreference, acquireWebGpuDevice } from './device.js';
import { WebGpuBackend, type WebGpuBackendOptions } from './webgpu-backend.js';

export interface CreateWebGpuBackendOptions extends WebGpuBackendOptions {
  /** `auto` (default): a hardware adapter, else the software one (llvmpipe). */
  adapter?: AdapterPreference;
}

/** Features the kernels use when the adapter has them (see features.ts for which kernel uses what). */
const OPTIONAL_FEATURES: GPUFeatureName[] = ['shader-f16', 'subgroups', 'timestamp-query'];

export async function createWebGpuBackend(options: CreateWebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const ctx = await acquireWebGpuDevice({ prefer: options.adapter ?? 'auto', optionalFeatures: OPTIONAL_FEATURES });
  return new WebGpuBackend(ctx.device, ctx.adapter, () => ctx.release(), options);
}
