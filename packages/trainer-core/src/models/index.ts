/** Model families: config schemas, modules and checkpoint-key maps, one folder each. */
export type { CausalLM, CausalLMOptions } from './causal-lm.js';
export { type CheckpointKeyMap, decoderCheckpointKeys } from './checkpoint-keys.js';
export type { Activation, DecoderDims, RopeSpec } from './config-common.js';
export { DecoderBody, DecoderForCausalLM, type DecoderLayerModule, type DecoderParts } from './decoder-base.js';
export { describeModelFolder, type ModelFolderSummary } from './describe.js';
export {
  type CreateCausalLMOptions,
  createCausalLM,
  defineModelFamily,
  familyOfModelType,
  MODEL_FAMILIES,
  type ModelConfig,
  type ModelFamily,
  modelFamilyOf,
} from './families.js';
export {
  type Gemma3LayerSpec,
  type Gemma3TextConfig,
  type Gemma3TextConfigJson,
  Gemma3TextConfigSchema,
  parseGemma3TextConfig,
} from './gemma3/config.js';
export { Gemma3DecoderLayer, Gemma3ForCausalLM, Gemma3TextModel } from './gemma3/modeling.js';
export { type LlamaConfig, type LlamaConfigJson, LlamaConfigSchema, parseLlamaConfig } from './llama/config.js';
export { LlamaDecoderLayer, LlamaForCausalLM, LlamaModel } from './llama/modeling.js';
export { type GenerationTokens, type LoadedModel, type LoadModelOptions, loadModel, readModelConfig } from './load.js';
export { CONFIG_FILE, resolveModelFolder, type SaveDType } from './model-folder.js';
export { parseQwen2Config, type Qwen2Config, type Qwen2ConfigJson, Qwen2ConfigSchema } from './qwen2/config.js';
export { Qwen2ForCausalLM } from './qwen2/modeling.js';
export { type SaveModelOptions, savedConfigJson, saveModel } from './save.js';
