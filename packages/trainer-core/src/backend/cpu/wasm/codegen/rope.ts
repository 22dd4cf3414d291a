/**
 * Rotary position embedding (rotate_half convention) over [batch, seq, heads, dim] rows, with
 * cos/sin read from a table [positions][dim/2] the wrapper builds (f32, as torch computes it).
 */
import { f32, f32x4, i32, v128 } from '../emit/expr.js';
import type { ModuleBuilder } from '../emit/module-builder.js';
import type { KernelEnv } from './kernel-env.js';
import { forEachChunk } from './parallel.js';

const ROW_CHUNK = 8;

export const ROPE_PARAMS = [
  'x',
  'out',
  'cosTable',
  'sinTable',
  'positions',
  'positionOffset',
  'rows',
  'seq',
  'heads',
  'dim',
  'sign',
  'counter',
  'tid',
] as const;

export function emitRope(mod: ModuleBuilder, env: KernelEnv): void {
  mod.function(
    'rope',
    ROPE_PARAMS.map((p) => (p === 'sign' ? 'f32' : 'i32')),
    undefined,
    (f) => {
      const p = f.named(ROPE_PARAMS);
      const [r, h, i, half, vecHalf, pos, cr, sr, lo, hi] = f.locals('i32', 10);
      const [c, s, x1, x2] = f.locals('v128', 4);
      const [cs, ss, a, b] = f.locals('f32', 4);
      const signV = f.local('v128');
      f.set(signV, f32x4.splat(p.sign));
      f.set(half, i32.shrU(p.dim, 1));
      f.set(vecHalf, i32.and(half, -4));
      forEachChunk(f, p.counter, p.rows, ROW_CHUNK, (start, end) => {
        f.forRange(r, start, end, 1, () => {
          f.if(
            p.positions,
            () => f.set(pos, i32.load(i32.add(p.positions, i32.shl(r, 2)))),
            () => f.set(pos, i32.add(p.positionOffset, i32.remU(r, p.seq))),
          );
          f.set(cr, i32.add(p.cosTable, i32.shl(i32.mul(pos, half), 2)));
          f.set(sr, i32.add(p.sinTable, i32.shl(i32.mul(pos, half), 2)));
          f.forRange(h, 0, p.heads, 1, () => {
            const rowByte = i32.shl(i32.mul(i32.add(i32.mul(r, p.heads), h), p.dim), 2);
            f.set(lo, rowByte);
            f.set(hi, i32.add(lo, i32.shl(half, 2)));
            f.forRange(i, 0, vecHalf, 4, () => {
              const at = i32.shl(i, 2);
              f.set(c, v128.load(i32.add(cr, at)));
              f.set(s, f32x4.mul(v128.load(i32.add(sr, at)), signV));
              f.set(x1, v128.load(i32.add(i32.add(p.x, lo), at)));
              f.set(x2, v128.load(i32.add(i32.add(p.x, hi), at)));
              f.do(v128.store(i32.add(i32.add(p.out, lo), at), f32x4.sub(f32x4.mul(x1, c), f32x4.mul(x2, s))));
              f.do(v128.store(i32.add(i32.add(p.out, hi), at), env.madd(x1, s, f32x4.mul(x2, c))));
            });
            f.forRange(i, vecHalf, half, 1, () => {
              const at = i32.shl(i, 2);
              f.set(cs, f32.load(i32.add(cr, at)));
              f.set(ss, f32.mul(f32.load(i32.add(sr, at)), p.sign));
              f.set(a, f32.load(i32.add(i32.add(p.x, lo), at)));
              f.set(b, f32.load(i32.add(i32.add(p.x, hi), at)));
              f.do(f32.store(i32.add(i32.add(p.out, lo), at), f32.sub(f32.mul(a, cs), f32.mul(b, ss))));
              f.do(f32.store(i32.add(i32.add(p.out, hi), at), f32.add(f32.mul(b, cs), f32.mul(a, ss))));
            });
          });
        });
      });
    },
  );
}
