import { afterEach, describe, expect, it } from 'vitest';
import { peekBackend, setBackend } from '../tensor/engine.js';
import { CpuBackend } from './cpu/cpu-backend.js';
import { initBackend, parseDeviceRequest } from './init.js';
import { WebGpuBackend } from './webgpu/webgpu-backend.js';

describe('initBackend', () => {
  const previous = peekBackend();
  afterEach(() => setBackend(previous));

  it('turns --device cpu into a ready CPU backend with the fast kernels, and makes it current', async () => {
    const { backend, choice } = await initBackend('cpu', { cpu: { threads: 2 } });
    expect(choice).toEqual({ device: 'cpu', reason: 'requested' });
    expect(backend).toBeInstanceOf(CpuBackend);
    expect((backend as CpuBackend).fast?.threads).toBe(2);
    expect(peekBackend()).toBe(backend);
    expect(backend.limits.computeDTypes).toEqual(['f32', 'f64']);
    expect(await backend.time(() => {})).toBeGreaterThanOrEqual(0);
    await backend.sync();
    backend.dispose();
  });

  it('builds the reference-only backend on request and can leave the current one alone', async () => {
    const { backend } = await initBackend('cpu', { cpu: { reference: true }, makeCurrent: false });
    expect((backend as CpuBackend).fast).toBeUndefined();
    expect(peekBackend()).toBe(previous);
    backend.dispose();
  });

  it('turns --device webgpu into the WebGPU backend on the adapter Dawn offers (llvmpipe without a GPU)', async () => {
    const { backend, choice } = await initBackend('webgpu', { webgpu: { batchDispatches: 16 } });
    expect(choice.device).toBe('webgpu');
    expect(backend).toBeInstanceOf(WebGpuBackend);
    expect(peekBackend()).toBe(backend);
    expect(backend.limits.computeDTypes).toEqual(['f32']);
    expect(backend.limits.maxBindingsPerKernel).toBeGreaterThanOrEqual(4);
    await backend.sync();
    backend.dispose();
  });

  it('says why auto picks the CPU on a machine without a hardware GPU, and refuses unknown devices', async () => {
    const { backend, choice } = await initBackend('auto', { cpu: { threads: 1 } });
    expect(choice.device).toBe('cpu');
    expect(choice.reason.length).toBeGreaterThan(0);
    backend.dispose();
    expect(() => parseDeviceRequest('gpu')).toThrow('--device: expected one of auto, cpu, webgpu, got "gpu"');
    expect(parseDeviceRequest('webgpu')).toBe('webgpu');
  });
});
