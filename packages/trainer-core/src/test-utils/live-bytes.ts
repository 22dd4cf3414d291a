/**
 * Tests that count live bytes read them from the backend's allocator: the CPU heap, or the WebGPU
 * backend's count of tensor buffers (pool buckets). Other backends skip such tests.
 */
import type { TestContext } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { WebGpuBackend } from '../backend/webgpu/webgpu-backend.js';

export interface LiveBytes {
  stats(): { liveBytes: number };
}

export function liveBytesOrSkip(backend: Backend, ctx: TestContext): LiveBytes {
  if (backend instanceof CpuBackend) return backend.heap;
  if (backend instanceof WebGpuBackend) return backend;
  return ctx.skip(`counts allocated bytes; ${backend.name} does not report them`);
}
