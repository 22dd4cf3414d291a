/**
 * Rope wrapper: keeps f32 cos/sin tables in the heap per (theta, dim), grown to the largest
 * position seen, with exactly the reference's values (torch's f32 inv_freq, angle and cos/sin).
 */
import { DEFAULT_ROPE_SCALING, type RopeScaling, ropeScalingKey } from '../../../../kernels/shapes/rope-frequencies.js';
import type { RopeArgs } from '../../fast-kernels.js';
import type { CpuHeap } from '../../heap.js';
import { ropeTable } from '../../reference/rope.js';
import { checkCount, checkFinite, checkSpan } from './check.js';
import { dispatch, type KernelContext } from './context.js';

const PARALLEL_MIN_ELEMENTS = 1 << 14;

interface HeapTable {
  ptr: number;
  positions: number;
}

/** cos table at ptr, sin table right after it, each [positions][dim / 2] f32, per (theta, dim, scaling). */
export class RopeTables {
  private readonly tables = new Map<string, HeapTable>();

  constructor(private readonly heap: CpuHeap) {}

  get(theta: number, dim: number, maxPosition: number, scaling: RopeScaling = DEFAULT_ROPE_SCALING): HeapTable {
    const key = `${theta}:${dim}:${ropeScalingKey(scaling)}`;
    const have = this.tables.get(key);
    if (have && have.positions > maxPosition) return have;
    const t = ropeTable(theta, dim, maxPosition, scaling);
    const half = dim / 2;
    const size = t.positions * half;
    const ptr = this.heap.alloc(size * 8);
    const view = this.heap.f32(ptr, size * 2);
    view.set(t.cos.subarray(0, size));
    view.set(t.sin.subarray(0, size), size);
    if (have) this.heap.release(have.ptr);
    const table = { ptr, positions: t.positions };
    this.tables.set(key, table);
    return table;
  }

  dispose(): void {
    for (const t of this.tables.values()) this.heap.release(t.ptr);
    this.tables.clear();
  }
}

export function runRope(ctx: KernelContext, tables: RopeTables, args: RopeArgs, maxThreads: number): void {
  const K = 'CpuFastKernels.rope';
  for (const field of ['batch', 'seq', 'heads', 'dim', 'positionOffset'] as const) checkCount(K, field, args[field]);
  checkFinite(K, 'theta', args.theta);
  const { batch, seq, heads, dim } = args;
  if (dim % 2 !== 0) throw new RangeError(`${K}: dim ${dim} must be even`);
  const size = batch * seq * heads * dim;
  checkSpan(K, 'x', ctx.heap, args.x, size);
  checkSpan(K, 'out', ctx.heap, args.out, size);
  const rows = batch * seq;
  let maxPos = args.positionOffset + seq - 1;
  if (args.positions) {
    checkSpan(K, 'positions', ctx.heap, args.positions, rows);
    const positions = ctx.heap.i32(args.positions, rows);
    maxPos = 0;
    for (let i = 0; i < rows; i++) {
      const p = positions[i]!;
      if (p < 0) throw new RangeError(`Rope: position ${p} at index ${i} is negative`);
      if (p > maxPos) maxPos = p;
    }
  }
  if (size === 0) return;
  const table = tables.get(args.theta, dim, Math.max(maxPos, 0), args.scaling);
  const half = dim / 2;
  dispatch(
    ctx,
    'rope',
    [
      args.x,
      args.out,
      table.ptr,
      table.ptr + table.positions * half * 4,
      args.positions,
      args.positionOffset,
      rows,
      seq,
      heads,
      dim,
      args.inverse ? -1 : 1,
      ctx.counter,
    ],
    size < PARALLEL_MIN_ELEMENTS ? 1 : maxThreads,
  );
}
