/**
 * Kernel registry keyed by (kernel name, backend name), in the style of tfjs. A kernel is
 * declared once with `defineKernel` (its name and the type of its attributes); each backend
 * registers an implementation in its own file; ops run kernels through the engine, which looks
 * them up here. Gradients are registered by kernel name in autograd/gradients.ts.
 */
import type { Backend, KernelOutput, TensorInfo } from './backend.js';

export interface KernelDefOptions {
  /**
   * The kernel reads inputs through their strides and offsets (views: transposes, slices,
   * broadcasts). Otherwise the engine hands it contiguous copies.
   */
  strided?: boolean;
  /** Input positions the kernel writes in place (their storage version is bumped). */
  mutates?: readonly number[];
}

export interface KernelDef<A> {
  readonly name: string;
  readonly options: KernelDefOptions;
  /** Phantom: carries the attribute type from the definition to the implementations. */
  readonly attrs?: A;
}

export interface KernelArgs<B, A> {
  readonly backend: B;
  readonly inputs: readonly TensorInfo[];
  readonly attrs: A;
}

export type KernelFunc<B, A> = (args: KernelArgs<B, A>) => KernelOutput[];

type AnyKernelFunc = KernelFunc<Backend, unknown>;

const kernels = new Map<string, AnyKernelFunc>();
const defined = new Map<string, KernelDef<unknown>>();

export function defineKernel<A = Record<string, never>>(name: string, options: KernelDefOptions = {}): KernelDef<A> {
  if (defined.has(name)) throw new Error(`defineKernel: kernel ${name} is already defined`);
  const def: KernelDef<A> = { name, options };
  defined.set(name, def);
  return def;
}

function key(kernelName: string, backendName: string): string {
  return `${kernelName}\u0000${backendName}`;
}

export function registerKernel<B extends Backend, A>(
  def: KernelDef<A>,
  backendName: string,
  fn: KernelFunc<B, A>,
): void {
  const k = key(def.name, backendName);
  if (kernels.has(k)) throw new Error(`registerKernel: ${def.name} is already registered for backend ${backendName}`);
  // The engine only passes a backend whose name matches, so the narrowing is sound.
  kernels.set(k, fn as unknown as AnyKernelFunc);
}

export function getKernel<A>(def: KernelDef<A>, backendName: string): KernelFunc<Backend, A> {
  const fn = kernels.get(key(def.name, backendName));
  if (!fn) throw new Error(`kernel ${def.name} is not implemented for backend ${backendName}`);
  return fn as KernelFunc<Backend, A>;
}

export function hasKernel(kernelName: string, backendName: string): boolean {
  return kernels.has(key(kernelName, backendName));
}

/** Names of every defined kernel, for coverage checks (every kernel on every backend). */
export function definedKernelNames(): string[] {
  return [...defined.keys()];
}
