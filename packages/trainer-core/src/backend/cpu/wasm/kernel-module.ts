/**
 * The one WebAssembly module holding every fast kernel, generated at run time from the kernel
 * generators in ./kernels. Generating (not loading a prebuilt .wasm) keeps the sources the
 * single truth: the same code runs under vitest from TypeScript and from dist/, and the FMA and
 * mul+add variants come from one generator. Building and compiling takes milliseconds.
 */
import { ModuleBuilder } from './emit/module-builder.js';
import { kernelEnv } from './kernels/kernel-env.js';
import { emitMatmul } from './kernels/matmul.js';

/** Host functions the module imports from `env` (scalar transcendentals used once per row). */
export const HOST_MATH = ['exp', 'log'] as const;

export function buildKernelModuleBytes(fma: boolean): Uint8Array {
  const mod = new ModuleBuilder();
  for (const name of HOST_MATH) mod.importFunction('env', name, ['f64'], 'f64');
  mod.importMemory('env', 'memory', { minPages: 1, maxPages: 65536, shared: true });
  const env = kernelEnv(fma);
  emitMatmul(mod, env);
  return mod.encode();
}

/** Imports for one instance of the kernel module over `memory` (the same on every thread). */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory, exp: Math.exp, log: Math.log } };
}
