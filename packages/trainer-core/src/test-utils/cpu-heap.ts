/**
 * Tests that count live bytes read them from the CPU heap; on a backend without one (a GPU) they
 * are skipped, since its allocations are not visible this way.
 */
import type { TestContext } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import type { CpuHeap } from '../backend/cpu/heap.js';

export function cpuHeapOrSkip(backend: Backend, ctx: TestContext): CpuHeap {
  if (!(backend instanceof CpuBackend)) ctx.skip(`counts bytes on the CPU heap; ${backend.name} has none`);
  return (backend as CpuBackend).heap;
}
