/**
 * Gradients registered by kernel (or view-op) name, tfjs style. A gradient says what to save in
 * the forward and how to turn output gradients into input gradients. Gradient functions run
 * with recording off and inside a scope: they may create temporaries freely and return
 * any tensors (fresh ones, `dy` itself or views of it); the engine takes care of ownership.
 */
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

const gradients = new Map<string, GradientConfig<unknown>>();

export function registerGradient<A>(kernelName: string, config: GradientConfig<A>): void {
  if (gradients.has(kernelName)) throw new Error(`registerGradient: ${kernelName} already has a gradient`);
  gradients.set(kernelName, config as GradientConfig<unknown>);
}

export function getGradient(kernelName: string): GradientConfig<unknown> {
  const config = gradients.get(kernelName);
  if (!config) throw new Error(`no gradient is registered for ${kernelName}`);
  return config;
}

export function hasGradient(kernelName: string): boolean {
  return gradients.has(kernelName);
}
