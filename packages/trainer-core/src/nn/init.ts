/** Seeded parameter initialisers. Each returns the values of a new parameter of `shape`. */
import { tensor } from '../ops/create.js';
import type { Rng } from '../random/rng.js';
import { shapeSize } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export type Init = (shape: readonly number[], rng: Rng) => Tensor;

/** N(0, std^2): Hugging Face's `_init_weights` for Linear and Embedding (std = initializer_range). */
export function normalInit(std: number): Init {
  return (shape, rng) => {
    const v = new Float32Array(shapeSize(shape));
    rng.fillNormal(v, 0, std);
    return tensor(v, shape);
  };
}

/** U(-bound, bound). */
export function uniformInit(bound: number): Init {
  return (shape, rng) => {
    const v = new Float32Array(shapeSize(shape));
    rng.fillUniform(v, -bound, bound);
    return tensor(v, shape);
  };
}

/** torch.nn.Linear's default: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function kaimingUniformInit(): Init {
  return (shape, rng) => uniformInit(1 / Math.sqrt(shape[shape.length - 1] ?? 1))(shape, rng);
}

export function constantInit(value: number): Init {
  return (shape) => tensor(new Float32Array(shapeSize(shape)).fill(value), shape);
}
