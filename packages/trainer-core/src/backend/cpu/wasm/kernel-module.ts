/**
 * The one WebAssembly module holding every fast kernel, generated at run time from the kernel
 * generators in ./kernels. Generating (not loading a prebuilt .wasm) keeps the sources the
 * single truth: the same code runs under vitest from TypeScript and from dist/, and the FMA and
 * mul+add variants come from one generator. Building and compiling takes milliseconds.
 */

import { emitAttention } from './codegen/attention/attention.js';
import { emitCrossEntropy } from './codegen/cross-entropy.js';
import { emitElementwise, emitTailFns } from './codegen/elementwise.js';
import { kernelEnv } from './codegen/kernel-env.js';
import { emitMatmul } from './codegen/matmul.js';
import { emitNf4Matmul } from './codegen/nf4-matmul.js';
import { emitRmsNorm } from './codegen/norm.js';
import { emitRope } from './codegen/rope.js';
import { emitRowFns } from './codegen/row-fns.js';
import type { FuncRef } from './emit/function-builder.js';
import { ModuleBuilder } from './emit/module-builder.js';

/** Exported kernels that jobs may run, in a fixed order shared with the workers. */
export const KERNEL_EXPORTS = [
  'matmul',
  'matmul_pack',
  'matmul_compute',
  'attention_forward',
  'attention_backward',
  'ew_add',
  'ew_sub',
  'ew_mul',
  'ew_div',
  'add_in_place',
  'gated_silu',
  'gated_silu_grad',
  'gated_gelu',
  'gated_gelu_grad',
  'adamw',
  'rms_norm',
  'rms_norm_grad',
  'sum_partials',
  'cross_entropy',
  'rope',
  'nf4_matmul',
] as const;
export type KernelName = (typeof KERNEL_EXPORTS)[number];

/** Math functions the module imports from `env` (scalar, once per row), by their name on `Math`. */
export const HOST_MATH = ['log'] as const;

export function buildKernelModuleBytes(fma: boolean): Uint8Array {
  const mod = new ModuleBuilder();
  const [log] = HOST_MATH.map((name) => mod.importFunction('env', name, ['f64'], 'f64')) as [FuncRef];
  mod.importMemory('env', 'memory', { minPages: 1, maxPages: 65536, shared: true });
  const env = kernelEnv(fma);
  const gemm = emitMatmul(mod, env);
  const rows = emitRowFns(mod, env);
  emitAttention(mod, { gemm, rows, host: { log }, env });
  emitElementwise(mod, env, emitTailFns(mod));
  emitRmsNorm(mod, env);
  emitCrossEntropy(mod, env, rows, log);
  emitRope(mod, env);
  emitNf4Matmul(mod, gemm);
  return mod.encode();
}

/** Imports for one instance of the kernel module over `memory` (the same on every thread). */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory, ...Object.fromEntries(HOST_MATH.map((name) => [name, Math[name]])) } };
}
