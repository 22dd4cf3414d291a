export {
  applyLora,
  type LoraOptions,
  loraLayers,
  matchesTarget,
  mergeLora,
  setLoraEnabled,
  withLoraDisabled,
} from './apply-lora.js';
export { isLoraBaseLayer, type LoraBaseLayer, LoraLinear, type LoraSettings, loraScaling } from './lora-linear.js';
export {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  type AdapterConfig,
  type LoadAdapterOptions,
  loadAdapter,
  loadAdapterWeights,
  readAdapterConfig,
  type SaveAdapterOptions,
  saveAdapter,
} from './peft-adapter.js';
