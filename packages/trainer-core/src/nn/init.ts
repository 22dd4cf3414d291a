/**
 * Parameter creation. Initialisers draw a new parameter's values with a seeded generator, in
 * checkpoint-key order. `buildModule` sets where parameters live and whether they are
 * initialised at all: a model about to be filled from a checkpoint is built with
 * `{ initialize: false }`, so its parameters are allocated on the target backend and never
 * written twice (no random numbers drawn, no host copy of the weights).
 */
import type { Backend } from '../backend/backend.js';
import { empty, tensor } from '../ops/create.js';
import type { TrainingRng } from '../random/training-rng.js';
import { shapeSize } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export type Init = (shape: readonly number[], rng: TrainingRng) => Tensor;

export interface ParameterPlacement {
  /** Where new parameters are allocated (default: the engine's current backend). */
  backend?: Backend;
  /** false: allocate only, contents unspecified until loaded. Default true. */
  initialize?: boolean;
}

let placement: ParameterPlacement = {};

/** Runs `build` (a module constructor call) with parameters placed and initialised as `options` say. */
export function buildModule<T>(options: ParameterPlacement, build: () => T): T {
  const previous = placement;
  placement = { ...previous, ...options };
  try {
    return build();
  } finally {
    placement = previous;
  }
}

/** A new f32 parameter of `shape`, filled by `fill` unless initialisation is off. */
function newParameter(shape: readonly number[], fill: (data: Float32Array) => void): Tensor {
  const options = { backend: placement.backend };
  if (placement.initialize === false) return empty(shape, 'f32', options);
  const data = new Float32Array(shapeSize(shape));
  fill(data);
  return tensor(data, shape, 'f32', options);
}

/** N(0, std^2): Hugging Face's `_init_weights` for Linear and Embedding (std = initializer_range). */
export function normalInit(std: number): Init {
  return (shape, rng) => newParameter(shape, (d) => rng.fillNormal(d, 0, std));
}

/** U(-bound, bound). */
export function uniformInit(bound: number): Init {
  return (shape, rng) => newParameter(shape, (d) => rng.fillUniform(d, -bound, bound));
}

/** torch.nn.Linear's default: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function kaimingUniformInit(): Init {
  return (shape, rng) => uniformInit(1 / Math.sqrt(shape[shape.length - 1] ?? 1))(shape, rng);
}

export function constantInit(value: number): Init {
  return (shape) => newParameter(shape, (d) => d.fill(value));
}
