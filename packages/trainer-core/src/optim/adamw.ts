/** torch.optim.AdamW, with state saveable and loadable by parameter name. */
import { AdamWUpdate } from '../kernels/index.js';
import { tensor, zeros } from '../ops/create.js';
import { runKernel } from '../tensor/engine.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { type NamedParameters, Optimizer, type ParamGroupSpec } from './optimizer.js';

export interface AdamWOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

interface AdamState {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/** Serialisable optimizer state: per parameter name, the step count and both moments. */
export interface AdamWStateDict {
  format: 'guinav.adamw.v1';
  hyper: { lr: number[]; betas: [number, number]; eps: number; weightDecay: number[] };
  state: Record<string, { step: number; exp_avg: Float32Array; exp_avg_sq: Float32Array }>;
}

export class AdamW extends Optimizer {
  // Not readonly: loading a saved state restores them, as torch's load_state_dict restores param_groups.
  beta1: number;
  beta2: number;
  eps: number;
  private readonly state = new Map<string, AdamState>();

  /** Defaults as torch.optim.AdamW: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
  constructor(params: NamedParameters | readonly ParamGroupSpec[], options: AdamWOptions = {}) {
    super(params, { lr: options.lr ?? 1e-3, weightDecay: options.weightDecay ?? 1e-2 });
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    for (const b of [this.beta1, this.beta2]) {
      if (!(b >= 0 && b < 1)) throw new RangeError(`AdamW: betas must be in [0, 1), got ${b}`);
    }
  }

  step(): void {
    for (const group of this.groups) {
      for (const [name, p] of group.params) {
        const grad = p.grad;
        if (!grad) continue;
        if (p.dtype !== 'f32' && p.dtype !== 'f64') throw new TypeError(`AdamW: ${name} is ${p.dtype}, not a float`);
        let s = this.state.get(name);
        if (!s) {
          s = {
            step: 0,
            expAvg: keep(zeros(p.shape, p.dtype, { backend: p.backend })),
            expAvgSq: keep(zeros(p.shape, p.dtype, { backend: p.backend })),
          };
          this.state.set(name, s);
        }
        s.step++;
        runKernel(AdamWUpdate, [p, grad, s.expAvg, s.expAvgSq], {
          lr: group.lr,
          beta1: this.beta1,
          beta2: this.beta2,
          eps: this.eps,
          weightDecay: group.weightDecay,
          step: s.step,
        });
      }
    }
  }

  async stateDict(): Promise<AdamWStateDict> {
    const state: AdamWStateDict['state'] = {};
    for (const [name, s] of this.state) {
      state[name] = {
        step: s.step,
        exp_avg: Float32Array.from((await s.expAvg.data()) as Float32Array),
        exp_avg_sq: Float32Array.from((await s.expAvgSq.data()) as Float32Array),
      };
    }
    return {
      format: 'guinav.adamw.v1',
      hyper: {
        lr: this.groups.map((g) => g.lr),
        betas: [this.beta1, this.beta2],
        eps: this.eps,
        weightDecay: this.groups.map((g) => g.weightDecay),
      },
      state,
    };
  }

  /**
   * Restores moments and step counts by parameter name (sizes must match) and the
   * hyperparameters (lr and weight decay per group, betas, eps), so a resumed run continues
   * exactly as the saved one would have.
   */
  loadStateDict(dict: AdamWStateDict, source = 'optimizer state'): void {
    if (dict.format !== 'guinav.adamw.v1') {
      throw new Error(`${source}: field "format": expected "guinav.adamw.v1", got ${JSON.stringify(dict.format)}`);
    }
    const params = new Map(this.namedParameters());
    for (const [name, s] of Object.entries(dict.state)) {
      const p = params.get(name);
      if (!p) throw new Error(`${source}: field "state.${name}": no parameter of that name in this optimizer`);
      for (const key of ['exp_avg', 'exp_avg_sq'] as const) {
        if (s[key].length !== p.size) {
          throw new Error(`${source}: field "state.${name}.${key}": ${s[key].length} values, parameter has ${p.size}`);
        }
      }
      if (!Number.isInteger(s.step) || s.step < 0)
        throw new Error(`${source}: field "state.${name}.step": bad step ${s.step}`);
      this.disposeState(name);
      const mk = (v: Float32Array) =>
        keep(tensor(p.dtype === 'f64' ? Float64Array.from(v) : v, p.shape, p.dtype, { backend: p.backend }));
      this.state.set(name, { step: s.step, expAvg: mk(s.exp_avg), expAvgSq: mk(s.exp_avg_sq) });
    }
    const { hyper } = dict;
    for (const key of ['lr', 'weightDecay'] as const) {
      if (hyper[key].length !== this.groups.length) {
        throw new Error(
          `${source}: field "hyper.${key}": ${hyper[key].length} groups, this optimizer has ${this.groups.length}`,
        );
      }
    }
    this.groups.forEach((g, i) => {
      g.lr = hyper.lr[i] as number;
      g.weightDecay = hyper.weightDecay[i] as number;
    });
    [this.beta1, this.beta2] = hyper.betas;
    this.eps = hyper.eps;
  }

  /** Step count of a parameter's state (0 before its first update). */
  stepOf(name: string): number {
    return this.state.get(name)?.step ?? 0;
  }

  private disposeState(name: string): void {
    const s = this.state.get(name);
    if (!s) return;
    s.expAvg.dispose();
    s.expAvgSq.dispose();
    this.state.delete(name);
  }

  dispose(): void {
    for (const name of [...this.state.keys()]) this.disposeState(name);
  }
}
