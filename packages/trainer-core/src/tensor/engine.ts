/**
 * The engine: the current backend and `runKernel`, which validates a call against the kernel's
 * definition (arity, shapes, dtypes), looks the implementation up for the inputs' backend,
 * allocates the outputs the definition inferred and wraps them as tensors. It imports no
 * concrete backend: backends are created by `initBackend` (backend/init.ts) or handed to
 * `setBackend`. Autograd recording is one level up (autograd/record.ts).
 */
import type { Backend, TensorInfo } from '../backend/backend.js';
import { getKernel } from '../backend/registry.js';
import { inputArity, type KernelDef } from '../kernels/define.js';
import { Copy } from '../kernels/memory.js';
import { isFloatDType } from './dtype.js';
import { contiguousStrides, shapeSize } from './shape.js';
import { Storage, Tensor } from './tensor.js';

let current: Backend | undefined;
let defaultFactory: (() => Backend) | undefined;

/** Receives every kernel's name and host wall time (ms); device time comes from `Backend.time`. */
export type KernelProfiler = (kernelName: string, ms: number) => void;

let profiler: KernelProfiler | undefined;

/** Installs (or removes, with undefined) the kernel profiler. */
export function setKernelProfiler(p: KernelProfiler | undefined): void {
  profiler = p;
}

/**
 * What `getBackend` creates when nothing was set: the package entry installs the plain CPU
 * backend, so `tensor([1, 2])` works without setup; `initBackend` picks a faster one.
 */
export function setDefaultBackendFactory(factory: (() => Backend) | undefined): void {
  defaultFactory = factory;
}

/** The backend new tensors go to when none is named. */
export function getBackend(): Backend {
  if (!current) {
    if (!defaultFactory) {
      throw new Error('no compute backend: call `await initBackend("auto" | "cpu")` (or setBackend) first');
    }
    current = defaultFactory();
  }
  return current;
}

/** The current backend, or undefined when none was created yet. */
export function peekBackend(): Backend | undefined {
  return current;
}

export function setBackend(backend: Backend | undefined): void {
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

function checkArity(def: KernelDef<unknown>, count: number): void {
  const [least, most] = inputArity(def.inputs);
  if (count < least || count > most) {
    throw new RangeError(`${def.name}: expected inputs (${def.inputs.join(', ')}), got ${count} tensor(s)`);
  }
}

function outputInfo(handle: unknown, dtype: Tensor['dtype'], shape: readonly number[]): TensorInfo {
  const size = shapeSize(shape);
  return { handle, dtype, shape, strides: contiguousStrides(shape), offset: 0, size };
}

/**
 * Runs a kernel and returns its outputs as new tensors (tracked by the open scope). Inputs are
 * made contiguous first unless the kernel reads strides itself.
 */
export function runKernel<A>(
  def: KernelDef<A>,
  inputs: readonly Tensor[],
  attrs: NoInfer<A>,
  backend?: Backend,
): Tensor[] {
  const target = backendOf(inputs, def.name, backend);
  checkArity(def as KernelDef<unknown>, inputs.length);
  const metas = def.infer(inputs, attrs);
  for (const m of [...inputs, ...metas]) {
    if (isFloatDType(m.dtype) && !target.limits.computeDTypes.includes(m.dtype)) {
      throw new TypeError(`${def.name}: backend ${target.name} does not compute in ${m.dtype}`);
    }
  }
  const impl = getKernel(def, target.name);
  const temps: Tensor[] = [];
  const mutates = def.mutates ?? [];
  const outputs: TensorInfo[] = [];
  try {
    const infos: TensorInfo[] = inputs.map((t, i) => {
      if (def.strided || t.isContiguous) return t.info;
      if (mutates.includes(i)) throw new Error(`${def.name}: input ${i} is written in place and must be contiguous`);
      const [copy] = runKernel(Copy, [t], {});
      temps.push(copy!);
      return copy!.info;
    });
    for (const m of metas) outputs.push(outputInfo(target.allocate(m.dtype, shapeSize(m.shape)), m.dtype, m.shape));
    const start = profiler ? performance.now() : 0;
    impl({ backend: target, inputs: infos, outputs, attrs });
    if (profiler) profiler(def.name, performance.now() - start);
  } catch (err) {
    for (const o of outputs) target.free(o.handle);
    throw err;
  } finally {
    for (const t of temps) t.dispose();
  }
  for (const i of mutates) {
    const t = inputs[i];
    if (t) t.storage.version++;
  }
  return outputs.map((o) => new Tensor(new Storage(target, o.handle, o.dtype, o.size), o.shape));
}
