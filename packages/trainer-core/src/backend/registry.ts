/**
 * Kernel implementations, keyed by (definition, backend name) in the style of tfjs: each backend
 * adds one implementation per kernel definition, in its own file. The engine looks them up when
 * an op runs; definitions themselves live in ../kernels.
 */
import type { KernelDef } from '../kernels/define.js';
import type { Backend, TensorInfo } from './backend.js';

export interface KernelArgs<B, A> {
  readonly backend: B;
  /** Contiguous unless the definition is `strided`. */
  readonly inputs: readonly TensorInfo[];
  /** Fresh contiguous allocations with the shapes and dtypes the definition inferred. */
  readonly outputs: readonly TensorInfo[];
  readonly attrs: A;
}

/** Writes the outputs (and any `mutates` inputs); never allocates a tensor of its own. */
export type KernelImpl<B, A> = (args: KernelArgs<B, A>) => void;

type AnyImpl = KernelImpl<Backend, unknown>;

const impls = new Map<KernelDef<unknown>, Map<string, AnyImpl>>();

export function registerKernel<B extends Backend, A>(
  def: KernelDef<A>,
  backendName: string,
  impl: KernelImpl<B, A>,
): void {
  let byBackend = impls.get(def as KernelDef<unknown>);
  if (!byBackend) {
    byBackend = new Map();
    impls.set(def as KernelDef<unknown>, byBackend);
  }
  if (byBackend.has(backendName)) {
    throw new Error(`registerKernel: ${def.name} is already registered for backend ${backendName}`);
  }
  // The engine only passes a backend whose name matches, so the narrowing is sound.
  byBackend.set(backendName, impl as unknown as AnyImpl);
}

export function getKernel<A>(def: KernelDef<A>, backendName: string): KernelImpl<Backend, A> {
  const impl = impls.get(def as KernelDef<unknown>)?.get(backendName);
  if (!impl) throw new Error(`kernel ${def.name} is not implemented for backend ${backendName}`);
  return impl as KernelImpl<Backend, A>;
}

export function hasKernel(def: KernelDef<unknown>, backendName: string): boolean {
  return impls.get(def)?.has(backendName) ?? false;
}
