/**
 * The SigLIP vision tower in transformers' layout (SiglipVisionModel): parameter names are the
 * checkpoint keys under `vision_model.`: `embeddings.patch_embedding.{weight [H, C, p, p], bias}`,
 * `embeddings.position_embedding.weight [patches, H]`, `encoder.layers.N.{layer_norm1,
 * self_attn.{q,k,v,out}_proj, layer_norm2, mlp.{fc1,fc2}}.*`, `post_layernorm.*`. No attention-
 * pooling head (`vision_use_head: false`; LLaVA never reads it).
 *
 * The patch embedding is a valid convolution with stride = kernel = patch: cutting the image into
 * patches (row-major over the grid, each flattened channel-first like the conv weight) and one
 * matmul with the weight seen as [H, C*p*p] compute exactly that convolution.
 */

import { constantInit, type Init, normalInit } from '../../nn/init.js';
import { Embedding, LayerNorm, Linear } from '../../nn/layers.js';
import { Module, ModuleList } from '../../nn/module.js';
import { attention } from '../../ops/attention.js';
import { add, gelu } from '../../ops/elementwise.js';
import { linear } from '../../ops/matmul.js';
import { contiguous, permute, reshape } from '../../ops/shape-ops.js';
import type { TrainingRng } from '../../random/training-rng.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { SiglipVisionConfig } from './config.js';

/** Default std of linear weights (LLaVA's initializer_range). */
const LINEAR_STD = 0.02;

/** nn.Conv2d(C, H, kernel=p, stride=p, padding="valid") with weight [H, C, p, p] and bias [H]. */
export class PatchEmbedding extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    readonly config: SiglipVisionConfig,
    rng: TrainingRng,
  ) {
    super();
    const { hiddenSize: h, numChannels: c, patchSize: p } = config;
    // LeCun normal: pixels are in [-1, 1], so patch features start with unit scale.
    this.weight = this.addParameter('weight', normalInit(1 / Math.sqrt(c * p * p))([h, c, p, p], rng));
    this.bias = this.addParameter('bias', constantInit(0)([h], rng));
  }

  /** pixels [B, C, S, S] -> [B, (S/p)^2, H]. */
  forward(pixels: Tensor): Tensor {
    return tidy(() => {
      const { numChannels: c, patchSize: p, imageSize: s, hiddenSize: h } = this.config;
      const [b, channels, height, width] = pixels.shape as [number, number, number, number];
      if (pixels.rank !== 4 || channels !== c || height !== s || width !== s) {
        throw new RangeError(`SigLIP: pixel values must be [images, ${c}, ${s}, ${s}], got ${pixels.describe()}`);
      }
      const g = s / p;
      const grid = reshape(pixels, [b, c, g, p, g, p]);
      const patches = reshape(contiguous(permute(grid, [0, 2, 4, 1, 3, 5])), [b, g * g, c * p * p]);
      return linear(patches, reshape(this.weight, [h, c * p * p]), this.bias);
    });
  }
}

export class SiglipVisionEmbeddings extends Module {
  readonly patch_embedding: PatchEmbedding;
  readonly position_embedding: Embedding;

  constructor(config: SiglipVisionConfig, rng: TrainingRng) {
    super();
    this.patch_embedding = this.addModule('patch_embedding', new PatchEmbedding(config, rng));
    this.position_embedding = this.addModule(
      'position_embedding',
      new Embedding(config.numPatches, config.hiddenSize, { init: normalInit(1 / Math.sqrt(config.hiddenSize)), rng }),
    );
  }

  forward(pixels: Tensor): Tensor {
    return tidy(() => add(this.patch_embedding.forward(pixels), this.position_embedding.weight));
  }
}

export class SiglipAttention extends Module {
  readonly q_proj: Linear;
  readonly k_proj: Linear;
  readonly v_proj: Linear;
  readonly out_proj: Linear;

  constructor(
    readonly config: SiglipVisionConfig,
    init: Init,
    rng: TrainingRng,
  ) {
    super();
    const h = config.hiddenSize;
    const o = { bias: true, init, rng };
    this.q_proj = this.addModule('q_proj', new Linear(h, h, o));
    this.k_proj = this.addModule('k_proj', new Linear(h, h, o));
    this.v_proj = this.addModule('v_proj', new Linear(h, h, o));
    this.out_proj = this.addModule('out_proj', new Linear(h, h, o));
  }

  /** Every patch sees every patch (no causal mask). */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const [b, t] = x.shape as [number, number];
      const { numHeads, headDim, hiddenSize } = this.config;
      const heads = (p: Linear) => reshape(p.forward(x), [b, t, numHeads, headDim]);
      const a = attention(heads(this.q_proj), heads(this.k_proj), heads(this.v_proj), { causal: false });
      return this.out_proj.forward(reshape(a, [b, t, hiddenSize]));
    });
  }
}

export class SiglipMLP extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(config: SiglipVisionConfig, init: Init, rng: TrainingRng) {
    super();
    this.fc1 = this.addModule('fc1', new Linear(config.hiddenSize, config.intermediateSize, { bias: true, init, rng }));
    this.fc2 = this.addModule('fc2', new Linear(config.intermediateSize, config.hiddenSize, { bias: true, init, rng }));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.fc2.forward(gelu(this.fc1.forward(x))));
  }
}

/** Pre-norm encoder layer: x + attn(ln1(x)), then + mlp(ln2(.)). */
export class SiglipEncoderLayer extends Module {
  readonly layer_norm1: LayerNorm;
  readonly self_attn: SiglipAttention;
  readonly layer_norm2: LayerNorm;
  readonly mlp: SiglipMLP;

  constructor(config: SiglipVisionConfig, rng: TrainingRng) {
    super();
    const init = normalInit(LINEAR_STD);
    this.layer_norm1 = this.addModule('layer_norm1', new LayerNorm(config.hiddenSize, config.layerNormEps));
    this.self_attn = this.addModule('self_attn', new SiglipAttention(config, init, rng));
    this.layer_norm2 = this.addModule('layer_norm2', new LayerNorm(config.hiddenSize, config.layerNormEps));
    this.mlp = this.addModule('mlp', new SiglipMLP(config, init, rng));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const h = add(x, this.self_attn.forward(this.layer_norm1.forward(x)));
      return add(h, this.mlp.forward(this.layer_norm2.forward(h)));
    });
  }
}

export class SiglipEncoder extends Module {
  readonly layers: ModuleList<SiglipEncoderLayer>;

  constructor(config: SiglipVisionConfig, rng: TrainingRng) {
    super();
    this.layers = this.addModule(
      'layers',
      new ModuleList(Array.from({ length: config.numLayers }, () => new SiglipEncoderLayer(config, rng))),
    );
  }
}

export class SiglipVisionTransformer extends Module {
  readonly embeddings: SiglipVisionEmbeddings;
  readonly encoder: SiglipEncoder;
  readonly post_layernorm: LayerNorm;

  constructor(
    readonly config: SiglipVisionConfig,
    rng: TrainingRng,
  ) {
    super();
    this.embeddings = this.addModule('embeddings', new SiglipVisionEmbeddings(config, rng));
    this.encoder = this.addModule('encoder', new SiglipEncoder(config, rng));
    this.post_layernorm = this.addModule('post_layernorm', new LayerNorm(config.hiddenSize, config.layerNormEps));
  }

  /**
   * transformers' `hidden_states[index]`: 0 is the embeddings, i the output of encoder layer i,
   * negative counts from the end (-1 = the last layer's output, before post_layernorm). Only the
   * layers up to it run.
   */
  hiddenState(pixels: Tensor, index: number): Tensor {
    const n = this.config.numLayers;
    const upTo = index < 0 ? n + 1 + index : index;
    if (!Number.isInteger(upTo) || upTo < 0 || upTo > n) {
      throw new RangeError(`SigLIP: hidden state ${index} does not exist (the tower has ${n} layers)`);
    }
    return tidy(() => {
      let x = this.embeddings.forward(pixels);
      for (const layer of this.encoder.layers.items.slice(0, upTo)) x = layer.forward(x);
      return x;
    });
  }

  /** `last_hidden_state`: the last layer's output after post_layernorm. */
  forward(pixels: Tensor): Tensor {
    return tidy(() => this.post_layernorm.forward(this.hiddenState(pixels, -1)));
  }
}

/** `SiglipVisionModel`: the transformer under `vision_model.`. */
export class SiglipVisionModel extends Module {
  readonly vision_model: SiglipVisionTransformer;

  constructor(config: SiglipVisionConfig, rng: TrainingRng) {
    super();
    this.vision_model = this.addModule('vision_model', new SiglipVisionTransformer(config, rng));
  }
}
