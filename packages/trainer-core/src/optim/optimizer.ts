/**
 * Optimizer base: parameters are named (the checkpoint keys) so optimizer state can be saved
 * and loaded by name, and grouped so groups can differ in learning rate and weight decay (e.g.
 * no decay on norms and biases, as the Hugging Face Trainer does).
 */
import type { Tensor } from '../tensor/tensor.js';

export type NamedParameters = Iterable<readonly [string, Tensor]>;

export interface ParamGroupSpec {
  params: NamedParameters;
  lr?: number;
  weightDecay?: number;
}

export interface ParamGroup {
  readonly params: readonly (readonly [string, Tensor])[];
  /** Current learning rate (schedules write it each step). */
  lr: number;
  /** The rate schedules scale (PyTorch's `initial_lr`). */
  readonly initialLr: number;
  weightDecay: number;
}

function isGroupList(x: NamedParameters | readonly ParamGroupSpec[]): x is readonly ParamGroupSpec[] {
  const first = (x as readonly unknown[])[0];
  return Array.isArray(x) && first !== undefined && !Array.isArray(first) && typeof first === 'object';
}

export abstract class Optimizer {
  readonly groups: ParamGroup[];

  constructor(params: NamedParameters | readonly ParamGroupSpec[], defaults: { lr: number; weightDecay: number }) {
    if (!(defaults.lr >= 0)) throw new RangeError(`optimizer: lr must be >= 0, got ${defaults.lr}`);
    const specs = isGroupList(params) ? params : [{ params }];
    const seen = new Set<string>();
    this.groups = specs.map((g) => {
      const list = [...g.params];
      for (const [name] of list) {
        if (seen.has(name)) throw new Error(`optimizer: parameter ${name} appears twice`);
        seen.add(name);
      }
      const lr = g.lr ?? defaults.lr;
      return { params: list, lr, initialLr: lr, weightDecay: g.weightDecay ?? defaults.weightDecay };
    });
  }

  /** Applies one update to every parameter that has a gradient. */
  abstract step(): void;

  /** Frees every gradient (PyTorch `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const g of this.groups) {
      for (const [, t] of g.params) {
        t.grad?.dispose();
        t.grad = null;
      }
    }
  }

  /** Every managed parameter, by name. */
  namedParameters(): [string, Tensor][] {
    return this.groups.flatMap((g) => g.params.map(([n, t]) => [n, t] as [string, Tensor]));
  }

  /** Frees the optimizer state. */
  abstract dispose(): void;
}

/**
 * The Hugging Face Trainer's default grouping: weight decay on every parameter except biases and
 * normalisation weights (names containing "bias" or "norm").
 */
export function decayGroups(params: NamedParameters, weightDecay: number): ParamGroupSpec[] {
  const decay: [string, Tensor][] = [];
  const noDecay: [string, Tensor][] = [];
  for (const [name, t] of params) {
    if (/bias|norm/i.test(name)) noDecay.push([name, t]);
    else decay.push([name, t]);
  }
  return [
    { params: decay, weightDecay },
    { params: noDecay, weightDecay: 0 },
  ];
}
