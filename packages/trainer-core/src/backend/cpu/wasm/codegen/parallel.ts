/** Work distribution shared by kernels: threads claim chunks from an atomic counter until none are left. */
import { i32, type Local, type Val } from '../emit/expr.js';
import type { FunctionBuilder } from '../emit/function-builder.js';

/**
 * for each claimed chunk c of `chunk` items out of `total`: body(start, end). Every thread runs
 * this loop; the counter must be 0 at dispatch.
 */
export function forEachChunk(
  f: FunctionBuilder,
  counter: Local,
  total: Val,
  chunk: number,
  body: (start: Local, end: Local) => void,
): void {
  const [claimed, start, end] = f.locals('i32', 3);
  f.block((done) => {
    f.loop((next) => {
      f.set(claimed, i32.atomicAdd(counter, 1));
      f.set(start, i32.mul(claimed, chunk));
      f.brIf(done, i32.geS(start, total));
      f.set(end, i32.minS(total, i32.add(start, chunk)));
      body(start, end);
      f.br(next);
    });
  });
}
