/** Basic layers: Linear, Embedding, RMSNorm, LayerNorm. */
import { embedding } from '../ops/indexing.js';
import { linear } from '../ops/matmul.js';
import { layerNorm, rmsNorm } from '../ops/norm.js';
import { TrainingRng } from '../random/training-rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { constantInit, type Init, kaimingUniformInit, normalInit } from './init.js';
import { Module } from './module.js';

export interface LinearOptions {
  bias?: boolean;
  /** Weight initialiser (default torch's kaiming-uniform). */
  init?: Init;
  rng?: TrainingRng;
}

/** y = x W^T + b with W [out, in] (checkpoint keys `weight`, `bias`). */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const rng = options.rng ?? new TrainingRng(0);
    this.weight = this.addParameter('weight', (options.init ?? kaimingUniformInit())([outFeatures, inFeatures], rng));
    this.bias = options.bias ? this.addParameter('bias', constantInit(0)([outFeatures], rng)) : undefined;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

export interface EmbeddingOptions {
  /** Default N(0, 1) as torch.nn.Embedding. */
  init?: Init;
  rng?: TrainingRng;
}

/** Row lookup of i32 ids in `weight` [num, dim]. */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly dim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    this.weight = this.addParameter(
      'weight',
      (options.init ?? normalInit(1))([numEmbeddings, dim], options.rng ?? new TrainingRng(0)),
    );
  }

  forward(ids: Tensor): Tensor {
    return embedding(this.weight, ids);
  }
}

export interface RmsNormLayerOptions {
  eps?: number;
  /** 1 for Gemma's (1 + w) (weight initialised to 0); 0 for Llama/Qwen2 (weight initialised to 1). */
  weightOffset?: number;
}

export class RMSNorm extends Module {
  readonly weight: Tensor;
  readonly eps: number;
  readonly weightOffset: number;

  constructor(
    readonly dim: number,
    options: RmsNormLayerOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-6;
    this.weightOffset = options.weightOffset ?? 0;
    this.weight = this.addParameter('weight', constantInit(this.weightOffset === 0 ? 1 : 0)([dim], new TrainingRng(0)));
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, { eps: this.eps, weightOffset: this.weightOffset });
  }
}

export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;

  constructor(
    readonly dim: number,
    readonly eps = 1e-5,
    bias = true,
  ) {
    super();
    this.weight = this.addParameter('weight', constantInit(1)([dim], new TrainingRng(0)));
    this.bias = bias ? this.addParameter('bias', constantInit(0)([dim], new TrainingRng(0))) : undefined;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
