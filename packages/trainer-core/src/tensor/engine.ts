/**
 * The engine: the current default backend and `runKernel`, which looks a kernel up in the
 * registry for the inputs' backend, hands it views of the inputs and wraps its outputs as
 * tensors. Autograd recording is one level up (autograd/record.ts).
 */
import type { Backend, TensorInfo } from '../backend/backend.js';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { Copy } from '../backend/kernel-defs.js';
import { getKernel, type KernelDef } from '../backend/registry.js';
import { shapeSize } from './shape.js';
import { Storage, Tensor } from './tensor.js';

let current: Backend | undefined;

/** Receives every kernel's name and wall time (ms); for profiling a training step. */
export type KernelProfiler = (kernelName: string, ms: number) => void;

let profiler: KernelProfiler | undefined;

/** Installs (or removes, with undefined) the kernel profiler. */
export function setKernelProfiler(p: KernelProfiler | undefined): void {
  profiler = p;
}

/** The backend new tensors go to when none is named (a CPU backend without fast kernels by default). */
export function getBackend(): Backend {
  current ??= new CpuBackend();
  return current;
}

export function setBackend(backend: Backend): void {
  current = backend;
}

function backendOf(inputs: readonly Tensor[], what: string, explicit?: Backend): Backend {
  const backend = explicit ?? inputs[0]?.backend ?? getBackend();
  for (const t of inputs) {
    t.assertAlive(what);
    if (t.backend !== backend) {
      throw new Error(`${what}: inputs live on different backends (${t.device} and ${backend.name}); move them first`);
    }
  }
  return backend;
}

/**
 * Runs a kernel and returns its outputs as new tensors (tracked by the open scope). Inputs are
 * made contiguous first unless the kernel reads strides itself.
 */
export function runKernel<A>(def: KernelDef<A>, inputs: readonly Tensor[], attrs: A, backend?: Backend): Tensor[] {
  const target = backendOf(inputs, def.name, backend);
  const fn = getKernel(def, target.name);
  const temps: Tensor[] = [];
  const mutates = def.options.mutates ?? [];
  const infos: TensorInfo[] = inputs.map((t, i) => {
    if (def.options.strided || t.isContiguous) return t.info;
    if (mutates.includes(i)) throw new Error(`${def.name}: input ${i} is written in place and must be contiguous`);
    const [copy] = runKernel(Copy, [t], {});
    temps.push(copy!);
    return copy!.info;
  });
  try {
    const start = profiler ? performance.now() : 0;
    const outputs = fn({ backend: target, inputs: infos, attrs });
    if (profiler) profiler(def.name, performance.now() - start);
    for (const i of mutates) {
      const t = inputs[i];
      if (t) t.storage.version++;
    }
    return outputs.map((o) => new Tensor(new Storage(target, o.handle, o.dtype, shapeSize(o.shape)), o.shape));
  } finally {
    for (const t of temps) t.dispose();
  }
}
