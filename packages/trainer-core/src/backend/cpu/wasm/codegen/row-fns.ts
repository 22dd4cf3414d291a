/** Small row utilities shared by kernels: strided fills and dot products with a scalar tail. */
import { f32, f32x4, i32, v128 } from '../emit/expr.js';
import type { FuncRef } from '../emit/function-builder.js';
import type { ModuleBuilder } from '../emit/module-builder.js';
import type { KernelEnv } from './kernel-env.js';

export interface RowFns {
  /** fill(ptr, rows, width, strideBytes, value): `rows` rows of `width` f32 set to value. */
  fill: FuncRef;
  /** dot(a, b, n) -> f32: sum of a[i]*b[i]. */
  dot: FuncRef;
  /** scale(dst, src, n, s): dst[i] = src[i] * s (dst may equal src). */
  scale: FuncRef;
}

export function emitRowFns(mod: ModuleBuilder, env: KernelEnv): RowFns {
  const fill = mod.function(
    'rows_fill',
    ['i32', 'i32', 'i32', 'i32', 'f32'],
    undefined,
    (f) => {
      const { ptr, rows, width, stride, value } = f.named(['ptr', 'rows', 'width', 'stride', 'value'] as const);
      const [r, c, p, vec] = f.locals('i32', 4);
      const v = f.local('v128');
      f.set(v, f32x4.splat(value));
      f.set(vec, i32.and(width, -4));
      f.forRange(r, 0, rows, 1, () => {
        f.set(p, ptr);
        f.forRange(c, 0, vec, 4, () => {
          f.do(v128.store(p, v));
          f.inc(p, 16);
        });
        f.forRange(c, vec, width, 1, () => {
          f.do(f32.store(p, value));
          f.inc(p, 4);
        });
        f.inc(ptr, stride);
      });
    },
    false,
  );
  const dot = mod.function(
    'rows_dot',
    ['i32', 'i32', 'i32'],
    'f32',
    (f) => {
      const { a, b, n } = f.named(['a', 'b', 'n'] as const);
      const [c, vec] = f.locals('i32', 2);
      const acc = f.local('v128');
      const s = f.local('f32');
      f.set(acc, f32x4.splatConst(0));
      f.set(vec, i32.and(n, -4));
      f.forRange(c, 0, vec, 4, () => {
        f.set(acc, env.madd(v128.load(a), v128.load(b), acc));
        f.inc(a, 16);
        f.inc(b, 16);
      });
      f.set(s, f32x4.hsum(acc));
      f.forRange(c, vec, n, 1, () => {
        f.set(s, f32.add(s, f32.mul(f32.load(a), f32.load(b))));
        f.inc(a, 4);
        f.inc(b, 4);
      });
      f.ret(s);
    },
    false,
  );
  const scale = mod.function(
    'rows_scale',
    ['i32', 'i32', 'i32', 'f32'],
    undefined,
    (f) => {
      const { dst, src, n, s } = f.named(['dst', 'src', 'n', 's'] as const);
      const [c, vec] = f.locals('i32', 2);
      const sv = f.local('v128');
      f.set(sv, f32x4.splat(s));
      f.set(vec, i32.and(n, -4));
      f.forRange(c, 0, vec, 4, () => {
        f.do(v128.store(dst, f32x4.mul(v128.load(src), sv)));
        f.inc(src, 16);
        f.inc(dst, 16);
      });
      f.forRange(c, vec, n, 1, () => {
        f.do(f32.store(dst, f32.mul(f32.load(src), s)));
        f.inc(src, 4);
        f.inc(dst, 4);
      });
    },
    false,
  );
  return { fill, dot, scale };
}
