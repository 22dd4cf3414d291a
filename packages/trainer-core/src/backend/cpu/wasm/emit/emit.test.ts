import { describe, expect, it } from 'vitest';
import { ByteWriter } from './bytes.js';
import { f32, f32x4, i32 } from './expr.js';
import { call } from './function-builder.js';
import { ModuleBuilder } from './module-builder.js';

describe('ByteWriter', () => {
  it('encodes LEB128 as the spec examples do', () => {
    // Unsigned 624485 and signed -123456 are the textbook LEB128 examples.
    expect([...new ByteWriter().uleb(624485).finish()]).toEqual([0xe5, 0x8e, 0x26]);
    expect([...new ByteWriter().sleb32(-123456).finish()]).toEqual([0xc0, 0xbb, 0x78]);
    expect([...new ByteWriter().sleb32(63).finish()]).toEqual([0x3f]);
    expect([...new ByteWriter().sleb32(64).finish()]).toEqual([0xc0, 0x00]);
    expect([...new ByteWriter().sleb32(0xffffffff).finish()]).toEqual([0x7f]);
  });
});

describe('ModuleBuilder', () => {
  it('builds a module whose functions compute what the expressions say', async () => {
    const mod = new ModuleBuilder();
    mod.function('poly', ['i32', 'i32'], 'i32', (f) => {
      // (a + 3) * b - 7, with a loop that adds b ten more times.
      const [a, b] = f.params as [never, never];
      const acc = f.local('i32');
      const i = f.local('i32');
      f.set(acc, i32.sub(i32.mul(i32.add(a, 3), b), 7));
      f.forRange(i, 0, 10, 1, () => f.inc(acc, b));
      f.ret(acc);
    });
    mod.function('lanes', ['f32'], 'f32', (f) => {
      const v = f.local('v128');
      f.set(v, f32x4.replaceLane(f32x4.splat(f.param(0)), 2, f32.const(10)));
      f.ret(f32x4.hsum(v));
    });
    const { instance } = await WebAssembly.instantiate(mod.encode());
    const poly = instance.exports.poly as (a: number, b: number) => number;
    const lanes = instance.exports.lanes as (x: number) => number;
    expect(poly(2, 4)).toBe((2 + 3) * 4 - 7 + 40);
    expect(poly(-5, 3)).toBe((-5 + 3) * 3 - 7 + 30);
    expect(lanes(1.5)).toBe(1.5 * 3 + 10);
  });

  it('rejects a mistyped operand when the module is built, naming the types', () => {
    const mod = new ModuleBuilder();
    expect(() =>
      mod.function('bad', ['f32'], 'i32', (f) => {
        f.ret(i32.add(f.param(0), 1));
      }),
    ).toThrow(/expected a i32 operand, got f32/);
  });

  it('rejects calls with the wrong number of arguments and undefined declarations', () => {
    const mod = new ModuleBuilder();
    const later = mod.declare('later', ['i32'], undefined);
    expect(() => mod.function('caller', [], undefined, (f) => f.do(call(later, [])))).toThrow(
      /later takes 1 arguments, got 0/,
    );
    expect(() => mod.encode()).toThrow(/later was declared but never defined/);
  });
});
