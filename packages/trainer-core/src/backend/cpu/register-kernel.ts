/**
 * The one place that decides between a CPU kernel's two paths: the fast WASM SIMD kernel when
 * the backend has fast kernels, every float tensor of the call is f32 and the kernel's own
 * condition holds; otherwise the plain TypeScript reference (the oracle, and the only f64 path).
 */
import type { KernelDef } from '../../kernels/define.js';
import type { TensorInfo } from '../backend.js';
import { type KernelArgs, registerKernel } from '../registry.js';
import type { CpuBackend } from './cpu-backend.js';
import type { CpuFastKernels } from './fast-kernels.js';

export type CpuKernelArgs<A> = KernelArgs<CpuBackend, A>;

export interface CpuKernelPaths<A> {
  reference: (args: CpuKernelArgs<A>) => void;
  fast?: (fast: CpuFastKernels, args: CpuKernelArgs<A>) => void;
  /** Extra conditions of the fast path (e.g. operands it can read as flat arrays). */
  fastWhen?: (args: CpuKernelArgs<A>) => boolean;
}

const isF64 = (t: TensorInfo) => t.dtype === 'f64';

export function registerCpuKernel<A>(def: KernelDef<A>, paths: CpuKernelPaths<A>): void {
  registerKernel<CpuBackend, A>(def, 'cpu', (args) => {
    const fast = args.backend.fast;
    const useFast =
      fast !== undefined &&
      paths.fast !== undefined &&
      !args.inputs.some(isF64) &&
      !args.outputs.some(isF64) &&
      (paths.fastWhen?.(args) ?? true);
    if (useFast) paths.fast!(fast, args);
    else paths.reference(args);
  });
}
