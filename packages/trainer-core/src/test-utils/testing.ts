/**
 * Test helpers other packages' tests may use (`@guinav/trainer-core/testing`, resolved from
 * sources through the `@guinav/source` condition; not part of the published build).
 */
export { readTensorBoardEvents, type TensorBoardEvent } from './tensorboard-reader.js';
