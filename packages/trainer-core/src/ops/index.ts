/** Every differentiable op (importing this registers all gradients). */
export { type AttentionOptions, attention } from './attention.js';
export {
  arange,
  type CreateOptions,
  empty,
  full,
  ones,
  onesLike,
  randn,
  randUniform,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from './create.js';
export {
  add,
  affine,
  cast,
  compare,
  div,
  dropout,
  exp,
  geglu,
  gelu,
  log,
  logSigmoid,
  maskedFill,
  maximum,
  minimum,
  mul,
  neg,
  relu,
  scale,
  sigmoid,
  silu,
  sqrt,
  square,
  sub,
  swiglu,
  tanh,
  where,
} from './elementwise.js';
export { embedding, gather } from './indexing.js';
export {
  type CrossEntropyOptions,
  type CrossEntropyResult,
  crossEntropy,
  IGNORE_INDEX,
  shiftLabels,
  tokenLogProbs,
} from './loss.js';
export { linear, type MatmulOptions, matmul } from './matmul.js';
export { layerNorm, type RmsNormOptions, rmsNorm } from './norm.js';
export { type Nf4WeightTensors, nf4Dequantize, nf4Matmul } from './quant-matmul.js';
export { argmax, max, mean, sum, sumToShape } from './reduce.js';
export { type RopeOptions, rope } from './rope.js';
export {
  concat,
  contiguous,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  slice,
  squeeze,
  transpose,
  unsqueeze,
} from './shape-ops.js';
export { logSoftmax, softmax } from './softmax.js';
export { assign, readScalars, toBackend } from './transfer.js';
export {
  checkIndices,
  checkLabels,
  checkPositions,
  debugChecksEnabled,
  setDebugChecks,
} from './validate-data.js';
