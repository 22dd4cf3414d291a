/** torch.optim.SGD with momentum, dampening, Nesterov and (coupled) weight decay. */
import { SgdUpdate } from '../kernels/index.js';
import { zeros } from '../ops/create.js';
import { runKernel } from '../tensor/engine.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { type NamedParameters, Optimizer, type ParamGroupSpec } from './optimizer.js';

export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  private readonly buffers = new Map<string, Tensor>();

  constructor(params: NamedParameters | readonly ParamGroupSpec[], options: SgdOptions) {
    super(params, { lr: options.lr, weightDecay: options.weightDecay ?? 0 });
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError('SGD: Nesterov momentum requires a momentum and zero dampening');
    }
  }

  step(): void {
    for (const group of this.groups) {
      for (const [name, p] of group.params) {
        const grad = p.grad;
        if (!grad) continue;
        let buf = this.buffers.get(name);
        const firstStep = this.momentum !== 0 && !buf;
        if (this.momentum !== 0 && !buf) {
          buf = keep(zeros(p.shape, p.dtype, { backend: p.backend }));
          this.buffers.set(name, buf);
        }
        runKernel(SgdUpdate, buf ? [p, grad, buf] : [p, grad], {
          lr: group.lr,
          momentum: this.momentum,
          dampening: this.dampening,
          weightDecay: group.weightDecay,
          nesterov: this.nesterov,
          firstStep,
        });
      }
    }
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
