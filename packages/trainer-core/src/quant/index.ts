export { dynamicIndex, quantizeBlockwise8 } from './blockwise8.js';
export { dequantizeAbsmax, doubleQuantize, f32Mean, NESTED_BLOCKSIZE } from './double-quant.js';
export { createDynamicMap, type DynamicMapOptions } from './dynamic-map.js';
export { dequantizeInt8Rows, type Int8Quantized, quantizeInt8Rows } from './int8.js';
export type { LoadQuantization } from './load-plan.js';
export { loadQuantized, readNf4Weight } from './load-quantized.js';
export { dequantizeNf4, NF4_BLOCKSIZES, NF4_CODE, nf4Index, quantizeNf4 } from './nf4.js';
export {
  dequantizeWeightNf4,
  type Nf4Data,
  Nf4Linear,
  type Nf4LinearOptions,
  type QuantizeNf4Options,
  quantizeWeightNf4,
} from './nf4-linear.js';
export { parsePyJson, pyFloatRepr, pyJsonDumps } from './python-json.js';
export { decodeQuantState, encodeQuantState, type Nf4QuantState, type TorchDType } from './quant-state.js';
export {
  bnb4bitQuantizationConfig,
  bnb8bitQuantizationConfig,
  quantizationConfigOf,
  storedQuantization,
} from './quantization-config.js';
export { type QuantizeFolderOptions, type QuantizeFolderReport, quantizeModelFolder } from './quantize-folder.js';
export { DEFAULT_SKIP_MODULES, isSkipped, quantizableLinears, quantizeModelNf4 } from './quantize-model.js';
