/**
 * `--device auto|cpu|webgpu` to a ready backend. This is the only place that knows the concrete
 * backends; each is loaded on demand, so the tensor engine, ops, nn and optim stay
 * backend-neutral and a CPU-only run never loads Dawn.
 */
import { setBackend } from '../tensor/engine.js';
import type { Backend } from './backend.js';
import type { CreateCpuBackendOptions } from './cpu/create-cpu-backend.js';
import { type ComputeDevice, type ComputeDeviceRequest, chooseTrainingDevice, type DeviceChoice } from './select.js';
import type { CreateWebGpuBackendOptions } from './webgpu/create-webgpu-backend.js';

export interface InitBackendOptions {
  /** CPU backend: kernel threads, FMA, reference-only (see CreateCpuBackendOptions). */
  cpu?: CreateCpuBackendOptions;
  /** WebGPU backend: batching, binding cap, split-K occupancy (see CreateWebGpuBackendOptions). */
  webgpu?: CreateWebGpuBackendOptions;
  /** Make the new backend the current one (default true). */
  makeCurrent?: boolean;
}

export interface InitializedBackend {
  backend: Backend;
  choice: DeviceChoice;
}

type Factory = (options: InitBackendOptions) => Promise<Backend>;

const FACTORIES: Record<ComputeDevice, Factory> = {
  cpu: async (options) => (await import('./cpu/create-cpu-backend.js')).createCpuBackend(options.cpu),
  webgpu: async (options) => (await import('./webgpu/create-webgpu-backend.js')).createWebGpuBackend(options.webgpu),
};

const DEVICES = ['auto', 'cpu', 'webgpu'] as const;

/** Parses a `--device` value, naming the flag and the accepted values when it is wrong. */
export function parseDeviceRequest(value: string, what = '--device'): ComputeDeviceRequest {
  if ((DEVICES as readonly string[]).includes(value)) return value as ComputeDeviceRequest;
  throw new RangeError(`${what}: expected one of ${DEVICES.join(', ')}, got "${value}"`);
}

/** Creates the backend `request` names (auto: a hardware WebGPU adapter if there is one, else the CPU). */
export async function initBackend(
  request: ComputeDeviceRequest = 'auto',
  options: InitBackendOptions = {},
): Promise<InitializedBackend> {
  const choice = await resolveDevice(request);
  const backend = await FACTORIES[choice.device](options);
  if (options.makeCurrent ?? true) setBackend(backend);
  return { backend, choice };
}

async function resolveDevice(request: ComputeDeviceRequest): Promise<DeviceChoice> {
  if (request === 'cpu') return { device: 'cpu', reason: 'requested' };
  const { listWebGpuAdapters } = await import('./webgpu/device.js');
  return chooseTrainingDevice(request, await listWebGpuAdapters());
}
