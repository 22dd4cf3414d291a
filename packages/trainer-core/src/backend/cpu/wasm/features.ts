/**
 * Runtime feature detection for the kernel module. Relaxed SIMD is behind a V8 flag in Node 20;
 * the flag can be set from inside the process as long as that happens before the module that
 * uses it is compiled. Worker threads share the process's flags and receive the compiled module.
 */
import v8 from 'node:v8';
import { f32x4 } from './emit/expr.js';
import { ModuleBuilder } from './emit/module-builder.js';

let flagSet = false;
let cached: boolean | undefined;

function tinyMaddModule(): Uint8Array {
  const mod = new ModuleBuilder();
  mod.function('madd', ['v128', 'v128', 'v128'], 'v128', (f) => {
    f.ret(f32x4.relaxedMadd(f.param(0), f.param(1), f.param(2)));
  });
  return mod.encode();
}

/** Whether this runtime can run `f32x4.relaxed_madd` (turning on V8's flag first if needed). */
export function relaxedSimdSupported(): boolean {
  if (cached !== undefined) return cached;
  const bytes = tinyMaddModule();
  if (!WebAssembly.validate(bytes) && !flagSet) {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    flagSet = true;
  }
  cached = WebAssembly.validate(bytes);
  return cached;
}
