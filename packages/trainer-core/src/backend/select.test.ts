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
  it('keeps auto on the CPU beside a hardware adapter until the WebGPU backend exists, and says so', () => {
    const choice = chooseTrainingDevice('auto', [adapter('hardware', 'H100')]);
    expect(choice.device).toBe('cpu');
    expect(choice.reason).toBe('hardware adapter H100, but the WebGPU training backend is not built yet');
    expect(chooseTrainingDevice('auto', []).device).toBe('cpu');
  });
});
