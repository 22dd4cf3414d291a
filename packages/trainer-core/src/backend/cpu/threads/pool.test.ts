import { describe, expect, it } from 'vitest';
import { CpuHeap } from '../heap.js';
import { i32 } from '../wasm/emit/expr.js';
import { ModuleBuilder } from '../wasm/emit/module-builder.js';
import { WorkerPool } from './pool.js';

/**
 * A test module over shared memory: `claim(counter, log, units, tid)` takes units from the
 * counter and writes tid + 1 into log[unit]; `trap(tid)` fails on worker 1 only.
 */
async function testModule(heap: CpuHeap) {
  const mod = new ModuleBuilder();
  mod.importMemory('env', 'memory', { minPages: 1, maxPages: 65536, shared: true });
  mod.function('claim', ['i32', 'i32', 'i32', 'i32'], undefined, (f) => {
    const [counter, log, units, tid] = f.params as [never, never, never, never];
    const u = f.local('i32');
    const spin = f.local('i32');
    f.block((done) => {
      f.loop((next) => {
        f.set(u, i32.atomicAdd(counter, 1));
        f.brIf(done, i32.geU(u, units));
        f.do(i32.store(i32.add(log, i32.shl(u, 2)), i32.add(tid, 1)));
        // A little work per unit, so every thread gets some.
        f.forRange(spin, 0, 20000, 1, () => {});
        f.br(next);
      });
    });
  });
  mod.function('trap', ['i32'], undefined, (f) => {
    f.if(i32.eq(f.param(0), 1), () => f.do(i32.load(-8)));
  });
  const module = await WebAssembly.compile(mod.encode());
  const instance = await WebAssembly.instantiate(module, { env: { memory: heap.memory } });
  return { module, instance };
}

/** A pool of `threads` threads (the calling one included) running the test module. */
async function testPool(threads: number) {
  const heap = new CpuHeap(1 << 20);
  const { module, instance } = await testModule(heap);
  const exportNames = ['claim', 'trap'];
  const pool = await WorkerPool.create({ module, memory: heap.memory, instance, exportNames, hostMath: [], threads });
  return { heap, pool };
}

describe('WorkerPool', () => {
  it('runs a job on every thread over the shared memory and returns when all are done', async () => {
    const { heap, pool } = await testPool(3);
    const counter = heap.alloc(4);
    const log = heap.alloc(4 * 600);
    for (let round = 0; round < 5; round++) {
      heap.i32(counter, 1)[0] = 0;
      heap.i32(log, 600).fill(0);
      pool.run('claim', [counter, log, 600]);
      const seen = heap.i32(log, 600);
      // Every unit ran exactly once (no zero left), and each writer was a real thread index.
      expect(seen.every((t) => t >= 1 && t <= 3)).toBe(true);
      expect(heap.i32(counter, 1)[0]).toBeGreaterThanOrEqual(600 + 3);
    }
    heap.i32(counter, 1)[0] = 0;
    heap.i32(log, 8).fill(0);
    pool.run('claim', [counter, log, 8], 1);
    expect([...heap.i32(log, 8)]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    pool.dispose();
    expect(() => pool.run('claim', [counter, log, 1])).toThrow(/used after dispose/);
  });

  it('reports a trap on a worker thread as an error of the call, and keeps working', async () => {
    const { heap, pool } = await testPool(2);
    expect(() => pool.run('trap', [])).toThrow(/kernel trap failed on a worker thread: worker 1: .*out of bounds/);
    expect(() => pool.run('nope', [])).toThrow(/unknown function nope/);
    const counter = heap.alloc(4);
    const log = heap.alloc(16);
    heap.i32(counter, 1)[0] = 0;
    pool.run('claim', [counter, log, 4]);
    expect([...heap.i32(log, 4)].every((t) => t === 1 || t === 2)).toBe(true);
    pool.dispose();
  });

  it('refuses a thread count below 1', async () => {
    const heap = new CpuHeap(1 << 20);
    const { module, instance } = await testModule(heap);
    await expect(
      WorkerPool.create({ module, memory: heap.memory, instance, exportNames: [], hostMath: [], threads: 0 }),
    ).rejects.toThrow(/threads must be an integer >= 1, got 0/);
  });
});
