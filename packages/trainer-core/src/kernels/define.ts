/**
 * Kernel definitions: the one backend-neutral description of each kernel. A definition names its
 * inputs and outputs, types its settings, says which settings select generated code (a shader or
 * wasm variant) and which are runtime values, infers and validates output shapes and dtypes, and
 * says whether autograd differentiates it. Backends add an implementation per definition
 * (backend/registry.ts); gradients are registered against the definition object
 * (autograd/gradients.ts). Kernels trust their inputs: every check lives in `infer`, which the
 * engine runs before any backend sees the call.
 */
import type { DType } from '../tensor/dtype.js';

/** What a definition knows of a tensor before it exists: shape and dtype, never data. */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * Input names in order. `name?` is optional (it may be left off the end of the list) and
 * `name...` takes every remaining input (at least one).
 */
export type InputNames = readonly string[];

export interface KernelSpec<A> {
  readonly inputs: InputNames;
  /** Output names in order; `name?` outputs exist only for some settings (infer decides). */
  readonly outputs: readonly string[];
  /**
   * Settings whose values select a different generated kernel (pipeline / wasm variant). Every
   * other setting is a runtime value a backend passes as an argument or uniform (step, lr, seed,
   * position offset, eps, sizes), so changing it never compiles anything.
   */
  readonly specialize?: readonly (keyof A & string)[];
  /** Reads inputs through their strides (views); other kernels get contiguous inputs. */
  readonly strided?: boolean;
  /** Input positions written in place (their storage version is bumped). */
  readonly mutates?: readonly number[];
  /** Whether autograd differentiates through it; a differentiable kernel must have a gradient. */
  readonly differentiable: boolean;
  /** Output shapes and dtypes; throws a message naming the kernel and the offending input. */
  readonly infer: (inputs: readonly TensorMeta[], attrs: A) => TensorMeta[];
}

export interface KernelDef<A = unknown> extends KernelSpec<A> {
  readonly kind: 'kernel';
  readonly name: string;
  /** Phantom: carries the settings type from the definition to implementations and gradients. */
  readonly attrs?: A;
}

/**
 * A view op (reshape, permute, slice, expand): no kernel runs, the output shares the input's
 * storage, but autograd still needs its gradient.
 */
export interface ViewDef<A = unknown> {
  readonly kind: 'view';
  readonly name: string;
  readonly differentiable: true;
  readonly attrs?: A;
}

/** Anything autograd can record: a kernel or a view. */
export type OpDef<A = unknown> = KernelDef<A> | ViewDef<A>;

const definitions = new Map<string, OpDef>();

function claimName(name: string): void {
  if (definitions.has(name)) throw new Error(`defineKernel: ${name} is already defined`);
}

export function defineKernel<A = Record<string, never>>(name: string, spec: KernelSpec<A>): KernelDef<A> {
  claimName(name);
  const def: KernelDef<A> = { kind: 'kernel', name, ...spec };
  definitions.set(name, def as OpDef);
  return def;
}

export function defineView<A = Record<string, never>>(name: string): ViewDef<A> {
  claimName(name);
  const def: ViewDef<A> = { kind: 'view', name, differentiable: true };
  definitions.set(name, def as OpDef);
  return def;
}

/** Every kernel and view defined so far (for coverage checks over backends and gradients). */
export function allDefinitions(): OpDef[] {
  return [...definitions.values()];
}

/**
 * The key of the generated code a call needs: the kernel name plus the values of its
 * specialising settings. Backends key their pipeline / module caches by it.
 */
export function variantKey<A>(def: KernelDef<A>, attrs: A): string {
  const parts = (def.specialize ?? []).map((k) => `${k}=${JSON.stringify(attrs[k])}`);
  return parts.length ? `${def.name}{${parts.join(',')}}` : def.name;
}

/** How many inputs the names allow: [fewest, most] (most is Infinity for a variadic tail). */
export function inputArity(names: InputNames): [number, number] {
  const variadic = names.some((n) => n.endsWith('...'));
  const required = names.filter((n) => !n.endsWith('?') && !n.endsWith('...')).length + (variadic ? 1 : 0);
  return [required, variadic ? Number.POSITIVE_INFINITY : names.length];
}

/** The name of input `i` (for messages), without the optional / variadic marks. */
export function inputName(def: KernelDef<unknown>, i: number): string {
  const names = def.inputs;
  const raw = names[Math.min(i, names.length - 1)] ?? `input ${i}`;
  return raw.replace(/(\?|\.\.\.)$/, '');
}
