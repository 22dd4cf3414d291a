/**
 * A Linear layer with a LoRA adapter, laid out as PEFT's `lora.Linear`: the frozen `base_layer`
 * plus `lora_A` [r, in] and `lora_B` [out, r], y = base(x) + lora_B(lora_A(dropout(x))) * scaling,
 * scaling = alpha / r (alpha / sqrt(r) with rsLoRA). A is initialised as PEFT does
 * (kaiming-uniform with a = sqrt(5), i.e. U(-1/sqrt(in), 1/sqrt(in))), B = 0, so a fresh adapter
 * changes nothing. The adapter can be disabled (the reference model of DPO and GRPO) and merged.
 * The base layer is a Linear or a quantized one (Nf4Linear: QLoRA); merging into a quantized base
 * dequantizes it, giving a plain f32 Linear.
 */

import { noGrad } from '../autograd/grad-mode.js';
import { dropoutRng } from '../nn/dropout-rng.js';
import { buildModule, constantInit, kaimingUniformInit } from '../nn/init.js';
import { Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { add, dropout } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { assign } from '../ops/transfer.js';
import { Nf4Linear } from '../quant/nf4-linear.js';
import { TrainingRng } from '../random/training-rng.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export interface LoraSettings {
  r: number;
  alpha: number;
  dropout: number;
  /** rsLoRA: scale by alpha / sqrt(r). */
  rslora: boolean;
}

export function loraScaling(s: Pick<LoraSettings, 'r' | 'alpha' | 'rslora'>): number {
  return s.rslora ? s.alpha / Math.sqrt(s.r) : s.alpha / s.r;
}

/** The frozen layers LoRA wraps: y = x W^T (+ b) with W [outFeatures, inFeatures]. */
export type LoraBaseLayer = Linear | Nf4Linear;

export function isLoraBaseLayer(m: Module): m is LoraBaseLayer {
  return m instanceof Linear || m instanceof Nf4Linear;
}

export class LoraLinear extends Module {
  readonly base_layer: LoraBaseLayer;
  readonly lora_A: Linear;
  readonly lora_B: Linear;
  readonly scaling: number;
  /** false: the layer computes base(x) only (the adapter's reference model). */
  enabled = true;

  constructor(
    base: LoraBaseLayer,
    readonly settings: LoraSettings,
    rng: TrainingRng = new TrainingRng(0),
  ) {
    super();
    const { r } = settings;
    if (!Number.isInteger(r) || r < 1) throw new RangeError(`LoRA: r must be a positive integer, got ${r}`);
    if (!(settings.dropout >= 0 && settings.dropout < 1))
      throw new RangeError(`LoRA: dropout must be in [0, 1), got ${settings.dropout}`);
    const backend = base.weight.backend;
    this.base_layer = this.addModule('base_layer', base);
    base.freeze();
    this.lora_A = this.addModule('lora_A', new Linear(base.inFeatures, r, { init: kaimingUniformInit(), rng }));
    this.lora_B = this.addModule('lora_B', new Linear(r, base.outFeatures, { init: constantInit(0), rng }));
    if (this.lora_A.weight.backend !== backend) throw new Error("LoRA: build the adapter on the base layer's backend");
    this.scaling = loraScaling(settings);
  }

  get inFeatures(): number {
    return this.base_layer.inFeatures;
  }

  get outFeatures(): number {
    return this.base_layer.outFeatures;
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const y = this.base_layer.forward(x);
      if (!this.enabled) return y;
      const p = this.settings.dropout;
      const h = this.training && p > 0 ? dropout(x, p, dropoutRng()) : x;
      // lora_B(a) * scaling as one matmul with alpha = scaling (lora_B has no bias).
      const delta = matmul(this.lora_A.forward(h), this.lora_B.weight, { transB: true, alpha: this.scaling });
      return add(y, delta);
    });
  }

  /**
   * W + (B @ A) * scaling as a plain Linear: a Linear base is updated in place; a quantized base is
   * dequantized into a new f32 Linear (and freed).
   */
  merge(): Linear {
    const base = this.base_layer;
    const merged = base instanceof Linear ? base : dequantizedLinear(base);
    noGrad(() =>
      tidy(() => {
        const delta = matmul(this.lora_B.weight, this.lora_A.weight, { alpha: this.scaling });
        assign(merged.weight, add(merged.weight, delta));
      }),
    );
    if (merged !== base) base.dispose();
    this.lora_A.dispose();
    this.lora_B.dispose();
    return merged;
  }
}

/** A frozen f32 Linear holding a quantized layer's dequantized weight (and bias). */
function dequantizedLinear(q: Nf4Linear): Linear {
  const backend = q.weight.backend;
  const linear = buildModule(
    { backend, initialize: false },
    () => new Linear(q.inFeatures, q.outFeatures, { bias: q.bias !== undefined }),
  );
  noGrad(() =>
    tidy(() => {
      assign(linear.weight, q.dequantize());
      if (q.bias && linear.bias) assign(linear.bias, q.bias);
    }),
  );
  return linear.freeze();
}
