/**
 * Fused token cross-entropy: per counted row, the max and first argmax, e^(x - max) summed (and
 * kept as the gradient row), loss term max + log(sum) - x[label], and the gradient
 * (softmax - onehot) / tokens. Each thread adds its rows' loss (f64) and correct count into its
 * own partial record {lossSum: f64, correct: i32}; the wrapper counts tokens and sums partials.
 */
import { f32, f32x4, f64, i32, v128 } from '../emit/expr.js';
import { call, type FuncRef } from '../emit/function-builder.js';
import type { ModuleBuilder } from '../emit/module-builder.js';
import type { KernelEnv } from './kernel-env.js';
import { forEachChunk } from './parallel.js';
import type { RowFns } from './row-fns.js';
import { hmax, vecExp } from './vmath.js';

const ROW_CHUNK = 8;

export const CROSS_ENTROPY_PARAMS = [
  'logits',
  'labels',
  'mask',
  'rows',
  'vocab',
  'ignoreIndex',
  'dlogits',
  'invTokens',
  'partials',
  'partialStride',
  'counter',
  'tid',
] as const;

/** Bytes of one thread's partial record. */
export const CROSS_ENTROPY_PARTIAL_BYTES = 16;

export function emitCrossEntropy(mod: ModuleBuilder, env: KernelEnv, rows: RowFns, log: FuncRef): void {
  mod.function(
    'cross_entropy',
    CROSS_ENTROPY_PARAMS.map((p) => (p === 'invTokens' ? 'f32' : 'i32')),
    undefined,
    (f) => {
      const p = f.named(CROSS_ENTROPY_PARAMS);
      const exp = vecExp(f, env);
      const [part, r, j, vecV, xr, gr, label, arg] = f.locals('i32', 8);
      const [m, s] = f.locals('f32', 2);
      const [vmax, tmp, mv, e, sum] = f.locals('v128', 5);
      const lossSum = f.local('f64');
      const correct = f.local('i32');
      f.set(part, i32.add(p.partials, i32.mul(p.tid, p.partialStride)));
      f.set(lossSum, f64.convertI32S(0));
      f.set(correct, 0);
      f.set(vecV, i32.and(p.vocab, -4));
      const x = (idx: typeof j) => f32.load(i32.add(xr, i32.shl(idx, 2)));
      forEachChunk(f, p.counter, p.rows, ROW_CHUNK, (start, end) => {
        f.forRange(r, start, end, 1, () => {
          f.set(xr, i32.add(p.logits, i32.shl(i32.mul(r, p.vocab), 2)));
          f.set(gr, i32.add(p.dlogits, i32.shl(i32.mul(r, p.vocab), 2)));
          f.set(label, i32.load(i32.add(p.labels, i32.shl(r, 2))));
          const maskedOut = i32.and(i32.ne(p.mask, 0), i32.eqz(i32.load(i32.add(p.mask, i32.shl(r, 2)))));
          // Unsigned compare: a negative label is also >= vocab, so it counts nowhere.
          const leftOut = i32.or(i32.or(i32.eq(label, p.ignoreIndex), i32.geU(label, p.vocab)), maskedOut);
          f.if(
            leftOut,
            () => f.if(p.dlogits, () => f.do(call(rows.fill, [gr, 1, p.vocab, 0, f32.const(0)]))),
            () => {
              f.set(vmax, f32x4.splatConst(Number.NEGATIVE_INFINITY));
              f.forRange(j, 0, vecV, 4, () => f.set(vmax, f32x4.max(vmax, v128.load(i32.add(xr, i32.shl(j, 2))))));
              f.set(m, hmax(f, vmax, tmp));
              f.forRange(j, vecV, p.vocab, 1, () => f.set(m, f32.max(m, x(j))));
              // First index holding the max, as torch.argmax.
              f.set(arg, 0);
              f.while(
                () =>
                  i32.and(
                    i32.ltS(arg, p.vocab),
                    f32.ne(f32.load(i32.add(xr, i32.shl(i32.minS(arg, i32.sub(p.vocab, 1)), 2))), m),
                  ),
                () => f.inc(arg, 1),
              );
              f.set(mv, f32x4.splat(m));
              f.set(sum, f32x4.splatConst(0));
              f.forRange(j, 0, vecV, 4, () => {
                exp.into(e, f32x4.sub(v128.load(i32.add(xr, i32.shl(j, 2))), mv));
                f.if(p.dlogits, () => f.do(v128.store(i32.add(gr, i32.shl(j, 2)), e)));
                f.set(sum, f32x4.add(sum, e));
              });
              f.set(s, f32x4.hsum(sum));
              f.forRange(j, vecV, p.vocab, 1, () => {
                exp.into(e, f32x4.splat(f32.sub(x(j), m)));
                f.if(p.dlogits, () => f.do(f32.store(i32.add(gr, i32.shl(j, 2)), f32x4.extractLane(e, 0))));
                f.set(s, f32.add(s, f32x4.extractLane(e, 0)));
              });
              f.if(p.dlogits, () => {
                f.do(call(rows.scale, [gr, gr, p.vocab, f32.div(p.invTokens, s)]));
                const at = i32.add(gr, i32.shl(label, 2));
                f.do(f32.store(at, f32.sub(f32.load(at), p.invTokens)));
              });
              const term = f64.add(
                f64.add(f64.promoteF32(m), call(log, [f64.promoteF32(s)])),
                f64.neg(f64.promoteF32(x(label))),
              );
              f.set(lossSum, f64.add(lossSum, term));
              f.if(i32.eq(arg, label), () => f.inc(correct, 1));
            },
          );
        });
      });
      f.do(f64.store(part, lossSum));
      f.do(i32.store(part, correct, 8));
    },
  );
}
