import { describe, expect, it } from 'vitest';
import { chooseComputeDevice, chooseTrainingDevice } from './select.js';
import type { AdapterReport } from './webgpu/device.js';

const adapter = (kind: AdapterReport['kind'], device: string) => ({ kind, device, description: '' }) as AdapterReport;

describe('chooseComputeDevice', () => {
  it('auto picks webgpu only for a hardware adapter', () => {
    expect(chooseComputeDevice('auto', [adapter('hardware', 'H100')]).device).toBe('webgpu');
    expect(chooseComputeDevice('auto', [adapter('software', 'llvmpipe')]).device).toBe('cpu');
    expect(chooseComputeDevice('auto', []).device).toBe('cpu');
  });
  it('honours an explicit request and refuses webgpu without any adapter', () => {
    expect(chooseComputeDevice('cpu', [adapter('hardware', 'H100')]).device).toBe('cpu');
    expect(chooseComputeDevice('webgpu', [adapter('software', 'llvmpipe')]).device).toBe('webgpu');
    expect(() => chooseComputeDevice('webgpu', [])).toThrow(/no WebGPU adapter/);
  });
});

describe('chooseTrainingDevice', () => {
  it('trains on a hardware adapter with auto, and on the software one only when asked', () => {
    expect(chooseTrainingDevice('auto', [adapter('hardware', 'H100')])).toEqual({
      device: 'webgpu',
      reason: 'hardware adapter H100',
    });
    expect(chooseTrainingDevice('auto', [adapter('software', 'llvmpipe')])).toEqual({
      device: 'cpu',
      reason: 'only a software WebGPU adapter is present; the CPU backend is faster',
    });
    expect(chooseTrainingDevice('webgpu', [adapter('software', 'llvmpipe')]).device).toBe('webgpu');
    expect(chooseTrainingDevice('auto', []).device).toBe('cpu');
  });
});
