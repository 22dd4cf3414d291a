/**
 * Gradients registered against kernel (or view) definitions, tfjs style. A gradient says what to save in
 * the forward and how to turn output gradients into input gradients. Gradient functions run
 * with recording off and inside a scope: they may create temporaries freely and return
 * any tensors (fresh ones, `dy` itself or views of it); the engine takes care of ownership.
 */
import type { OpDef } from '../kernels/define.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

export interface InputMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface GradContext<A> {
  /** Gradient of each output (null for outputs that received none). */
  readonly dys: readonly (Tensor | null)[];
  /** Gradient of output 0 (the common single-output case); throws if it got none. */
  readonly dy: Tensor;
  readonly saved: readonly Tensor[];
  readonly attrs: A;
  readonly inputs: readonly InputMeta[];
  /** Whether each input needs a gradient; skip the work for those that do not. */
  readonly needsGrad: readonly boolean[];
}

export interface GradientConfig<A> {
  /** Tensors to keep for the backward (inputs and/or outputs). Default: none. */
  save?: (inputs: readonly Tensor[], outputs: readonly Tensor[], attrs: A) => Tensor[];
  grad: (ctx: GradContext<A>) => readonly (Tensor | null | undefined)[];
  /** Outputs that carry gradients (default: every output). */
  differentiableOutputs?: readonly number[];
}

const gradients = new Map<OpDef, GradientConfig<unknown>>();

/** Registers the gradient of a differentiable definition (once). */
export function registerGradient<A>(def: OpDef<A>, config: GradientConfig<A>): void {
  if (!def.differentiable) throw new Error(`registerGradient: ${def.name} is defined as not differentiable`);
  if (gradients.has(def as OpDef)) throw new Error(`registerGradient: ${def.name} already has a gradient`);
  gradients.set(def as OpDef, config as GradientConfig<unknown>);
}

export function getGradient(def: OpDef): GradientConfig<unknown> {
  const config = gradients.get(def);
  if (!config) throw new Error(`no gradient is registered for ${def.name}`);
  return config;
}

export function hasGradient(def: OpDef): boolean {
  return gradients.has(def);
}
