/**
 * RMSNorm over the last axis, forward and backward, rows split across threads in chunks. The
 * weight gradient is a sum over rows: each thread accumulates its rows into its own partial
 * row, and `sum_partials` adds the partials afterwards.
 */
import { f32, f32x4, i32, type Local, v128 } from '../emit/expr.js';
import type { FunctionBuilder } from '../emit/function-builder.js';
import type { ModuleBuilder } from '../emit/module-builder.js';
import type { KernelEnv } from './kernel-env.js';
import { forEachChunk } from './parallel.js';

const ROW_CHUNK = 16;

export const RMS_NORM_PARAMS = ['x', 'w', 'out', 'rstd', 'rows', 'dim', 'eps', 'offset', 'counter', 'tid'] as const;
export const RMS_NORM_GRAD_PARAMS = [
  'x',
  'w',
  'rstd',
  'dy',
  'dx',
  'dw',
  'rows',
  'dim',
  'offset',
  'partials',
  'partialStride',
  'counter',
  'tid',
] as const;

const f32Params = new Set(['eps', 'offset']);
const types = (names: readonly string[]) => names.map((n) => (f32Params.has(n) ? 'f32' : 'i32') as 'f32' | 'i32');

export function emitRmsNorm(mod: ModuleBuilder, env: KernelEnv): void {
  mod.function('rms_norm', types(RMS_NORM_PARAMS), undefined, (f) => {
    const p = f.named(RMS_NORM_PARAMS);
    const [r, c, vecDim, xr, yr] = f.locals('i32', 5);
    const [ss, rs] = f.locals('f32', 2);
    const [acc, v, rsV, offV] = f.locals('v128', 4);
    f.set(vecDim, i32.and(p.dim, -4));
    f.set(offV, f32x4.splat(p.offset));
    forEachChunk(f, p.counter, p.rows, ROW_CHUNK, (start, end) => {
      f.forRange(r, start, end, 1, () => {
        f.set(xr, i32.add(p.x, i32.shl(i32.mul(r, p.dim), 2)));
        f.set(yr, i32.add(p.out, i32.shl(i32.mul(r, p.dim), 2)));
        f.set(acc, f32x4.splatConst(0));
        f.forRange(c, 0, vecDim, 4, () => {
          f.set(v, v128.load(i32.add(xr, i32.shl(c, 2))));
          f.set(acc, env.madd(v, v, acc));
        });
        f.set(ss, f32x4.hsum(acc));
        f.forRange(c, vecDim, p.dim, 1, () => {
          const x = f32.load(i32.add(xr, i32.shl(c, 2)));
          f.set(ss, f32.add(ss, f32.mul(x, x)));
        });
        f.set(rs, f32.div(f32.const(1), f32.sqrt(f32.add(f32.div(ss, f32.convertI32S(p.dim)), p.eps))));
        f.do(f32.store(i32.add(p.rstd, i32.shl(r, 2)), rs));
        f.set(rsV, f32x4.splat(rs));
        f.forRange(c, 0, vecDim, 4, () => {
          const at = i32.shl(c, 2);
          const wv = f32x4.add(v128.load(i32.add(p.w, at)), offV);
          f.do(v128.store(i32.add(yr, at), f32x4.mul(f32x4.mul(v128.load(i32.add(xr, at)), rsV), wv)));
        });
        f.forRange(c, vecDim, p.dim, 1, () => {
          const at = i32.shl(c, 2);
          const wv = f32.add(f32.load(i32.add(p.w, at)), p.offset);
          f.do(f32.store(i32.add(yr, at), f32.mul(f32.mul(f32.load(i32.add(xr, at)), rs), wv)));
        });
      });
    });
  });

  mod.function('rms_norm_grad', types(RMS_NORM_GRAD_PARAMS), undefined, (f) => emitRmsNormGrad(f, env));

  mod.function('sum_partials', ['i32', 'i32', 'i32', 'i32', 'i32'], undefined, (f) => {
    // dst[j] = sum over t < count of src[t * stride + j] (stride in bytes).
    const { dst, src, count, n, stride } = f.named(['dst', 'src', 'count', 'n', 'stride'] as const);
    const [j, t] = f.locals('i32', 2);
    const s = f.local('f32');
    f.forRange(j, 0, n, 1, () => {
      f.set(s, f32.const(0));
      f.forRange(t, 0, count, 1, () => {
        f.set(s, f32.add(s, f32.load(i32.add(i32.add(src, i32.mul(t, stride)), i32.shl(j, 2)))));
      });
      f.do(f32.store(i32.add(dst, i32.shl(j, 2)), s));
    });
  });
}

/** dx = rs w' dy - x rs^3 / n * sum(w' dy x); dw (per-thread partial) += dy x rs, with w' = w + offset. */
function emitRmsNormGrad(f: FunctionBuilder, env: KernelEnv): void {
  const p = f.named(RMS_NORM_GRAD_PARAMS);
  const [r, c, vecDim, part, at, xr, dyr, dxr] = f.locals('i32', 8);
  const [rs, dot, coef] = f.locals('f32', 3);
  const [acc, rsV, coefV, offV, xv, dyv, wv] = f.locals('v128', 7);
  const zero = f32x4.splatConst(0);
  f.set(vecDim, i32.and(p.dim, -4));
  f.set(offV, f32x4.splat(p.offset));
  f.set(part, i32.add(p.partials, i32.mul(p.tid, p.partialStride)));
  f.if(p.dw, () => {
    f.forRange(c, 0, p.dim, 1, () => f.do(f32.store(i32.add(part, i32.shl(c, 2)), 0)));
  });
  const load3 = (byteOff: Local) => {
    f.set(xv, v128.load(i32.add(xr, byteOff)));
    f.set(dyv, v128.load(i32.add(dyr, byteOff)));
    f.set(wv, f32x4.add(v128.load(i32.add(p.w, byteOff)), offV));
  };
  const scalar = (ptr: Local, byteOff: Local) => f32.load(i32.add(ptr, byteOff));
  forEachChunk(f, p.counter, p.rows, ROW_CHUNK, (start, end) => {
    f.forRange(r, start, end, 1, () => {
      f.set(xr, i32.add(p.x, i32.shl(i32.mul(r, p.dim), 2)));
      f.set(dyr, i32.add(p.dy, i32.shl(i32.mul(r, p.dim), 2)));
      f.set(dxr, i32.add(p.dx, i32.shl(i32.mul(r, p.dim), 2)));
      f.set(rs, f32.load(i32.add(p.rstd, i32.shl(r, 2))));
      f.set(acc, zero);
      f.forRange(c, 0, vecDim, 4, () => {
        f.set(at, i32.shl(c, 2));
        load3(at);
        f.set(acc, env.madd(f32x4.mul(wv, dyv), xv, acc));
      });
      f.set(dot, f32x4.hsum(acc));
      f.forRange(c, vecDim, p.dim, 1, () => {
        f.set(at, i32.shl(c, 2));
        const w = f32.add(scalar(p.w, at), p.offset);
        f.set(dot, f32.add(dot, f32.mul(f32.mul(w, scalar(dyr, at)), scalar(xr, at))));
      });
      f.set(coef, f32.div(f32.mul(f32.mul(dot, rs), f32.mul(rs, rs)), f32.convertI32S(p.dim)));
      f.set(rsV, f32x4.splat(rs));
      f.set(coefV, f32x4.splat(coef));
      f.forRange(c, 0, vecDim, 4, () => {
        f.set(at, i32.shl(c, 2));
        load3(at);
        f.do(v128.store(i32.add(dxr, at), f32x4.sub(f32x4.mul(f32x4.mul(rsV, wv), dyv), f32x4.mul(coefV, xv))));
        f.if(p.dw, () => {
          const pa = i32.add(part, at);
          f.do(v128.store(pa, env.madd(f32x4.mul(dyv, xv), rsV, v128.load(pa))));
        });
      });
      f.forRange(c, vecDim, p.dim, 1, () => {
        f.set(at, i32.shl(c, 2));
        const w = f32.add(scalar(p.w, at), p.offset);
        const x = scalar(xr, at);
        const dy = scalar(dyr, at);
        f.do(f32.store(i32.add(dxr, at), f32.sub(f32.mul(f32.mul(rs, w), dy), f32.mul(coef, x))));
        f.if(p.dw, () => {
          const pa = i32.add(part, at);
          f.do(f32.store(pa, f32.add(f32.load(pa), f32.mul(f32.mul(dy, x), rs))));
        });
      });
    });
  });
}
