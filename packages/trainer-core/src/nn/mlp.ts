/** The gated MLP of Llama-family decoders: down(act(gate(x)) * up(x)), SwiGLU or GeGLU. */
import { geglu, swiglu } from '../ops/elementwise.js';
import type { TrainingRng } from '../random/training-rng.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Init } from './init.js';
import { Linear } from './layers.js';
import { Module } from './module.js';

export type MlpActivation = 'silu' | 'gelu_pytorch_tanh';

export class GatedMLP extends Module {
  readonly gate_proj: Linear;
  readonly up_proj: Linear;
  readonly down_proj: Linear;

  constructor(
    hiddenSize: number,
    intermediateSize: number,
    readonly activation: MlpActivation,
    init: { init: Init; rng: TrainingRng; bias?: boolean },
  ) {
    super();
    const o = { init: init.init, rng: init.rng, bias: init.bias ?? false };
    this.gate_proj = this.addModule('gate_proj', new Linear(hiddenSize, intermediateSize, o));
    this.up_proj = this.addModule('up_proj', new Linear(hiddenSize, intermediateSize, o));
    this.down_proj = this.addModule('down_proj', new Linear(intermediateSize, hiddenSize, o));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const g = this.gate_proj.forward(x);
      const u = this.up_proj.forward(x);
      const h = this.activation === 'silu' ? swiglu(g, u) : geglu(g, u);
      return this.down_proj.forward(h);
    });
  }
}
