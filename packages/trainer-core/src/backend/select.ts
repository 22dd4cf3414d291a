import type { AdapterReport } from './webgpu/device.js';

export type ComputeDevice = 'cpu' | 'webgpu';
export type ComputeDeviceRequest = ComputeDevice | 'auto';

export interface DeviceChoice {
  device: ComputeDevice;
  reason: string;
}

/**
 * `auto` picks WebGPU only on a hardware adapter: the software adapter (llvmpipe) computes
 * correctly but at ~0.2 GFLOP/s, two orders of magnitude below the WASM SIMD CPU backend.
 */
export function chooseComputeDevice(request: ComputeDeviceRequest, adapters: AdapterReport[]): DeviceChoice {
  const hardware = adapters.find((a) => a.kind === 'hardware');
  if (request === 'cpu') return { device: 'cpu', reason: 'requested' };
  if (request === 'webgpu') {
    if (adapters.length === 0) throw new Error('--device webgpu: no WebGPU adapter found (run `guinav doctor`).');
    return {
      device: 'webgpu',
      reason: hardware ? `hardware adapter ${hardware.device}` : 'requested (software adapter)',
    };
  }
  if (hardware) return { device: 'webgpu', reason: `hardware adapter ${hardware.device || hardware.description}` };
  return {
    device: 'cpu',
    reason: adapters.length
      ? 'only a software WebGPU adapter is present; the CPU backend is faster'
      : 'no WebGPU adapter',
  };
}

/** Backends that can train today; `auto` only picks among these. */
export const AVAILABLE_DEVICES: readonly ComputeDevice[] = ['cpu', 'webgpu'];

/**
 * What `--device` resolves to for training and inference: `chooseComputeDevice`, except that
 * `auto` stays on a device whose backend exists.
 */
export function chooseTrainingDevice(request: ComputeDeviceRequest, adapters: AdapterReport[]): DeviceChoice {
  const choice = chooseComputeDevice(request, adapters);
  if (request === 'auto' && !AVAILABLE_DEVICES.includes(choice.device)) {
    return { device: 'cpu', reason: `${choice.reason}, but that backend is not available in this build` };
  }
  return choice;
}
