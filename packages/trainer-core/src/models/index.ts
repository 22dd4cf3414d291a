/** Model families: config schemas, modules and checkpoint-key maps, one folder each. */
export {
  type AddAdapterOptions,
  adapterModulePath,
  addAdapter,
  saveMergedModel,
} from './adapter.js';
export type { CausalLM, CausalLMOptions } from './causal-lm.js';
export { type LoadChatOptions, type LoadedChat, loadChat } from './chat.js';
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
export {
  collateVisionLM,
  type VisionCollateOptions,
  type VisionExample,
  type VisionLMBatch,
  visionLMLogits,
} from './llava/batch.js';
export { LlavaChat, type LlavaChatOptions } from './llava/chat.js';
export { llavaCheckpointKey } from './llava/checkpoint-keys.js';
export {
  type LlavaConfig,
  type LlavaConfigJson,
  LlavaConfigSchema,
  type LlavaTextPart,
  parseLlavaConfig,
} from './llava/config.js';
export { type LoadedLlava, loadLlava } from './llava/load.js';
export {
  imageScatterIndex,
  LlavaForConditionalGeneration,
  LlavaMultiModalProjector,
  type VisionInputs,
} from './llava/modeling.js';
export {
  LlavaProcessor,
  type LlavaProcessorOptions,
  llavaProcessorJson,
  type ProcessedPrompt,
  type SupervisedExample,
} from './llava/processor.js';
export {
  collateVisionExamples,
  loadPixels,
  messageText,
  type VisionTokenExample,
  visionSftExample,
} from './llava/training-data.js';
export {
  type GenerationTokens,
  type LoadedModel,
  type LoadModelOptions,
  loadModel,
  readGenerationConfig,
  readModelConfig,
} from './load.js';
export { CONFIG_FILE, resolveModelFolder, type SaveDType } from './model-folder.js';
export { parseQwen2Config, type Qwen2Config, type Qwen2ConfigJson, Qwen2ConfigSchema } from './qwen2/config.js';
export { Qwen2ForCausalLM } from './qwen2/modeling.js';
export {
  copyCompanionFiles,
  folderSaveDType,
  type SaveModelOptions,
  savedConfigJson,
  saveModel,
  saveModelFolder,
} from './save.js';
export {
  parseSiglipVisionConfig,
  type SiglipVisionConfig,
  type SiglipVisionConfigJson,
  SiglipVisionConfigSchema,
} from './siglip/config.js';
export {
  PatchEmbedding,
  SiglipAttention,
  SiglipEncoderLayer,
  SiglipVisionModel,
  SiglipVisionTransformer,
} from './siglip/modeling.js';
export { type CreateTinyVlmOptions, createTinyVlm } from './tiny-vlm/create.js';
export { TINY_VLM_RECIPE } from './tiny-vlm/recipe.js';
export {
  isTinyVlmSize,
  TINY_VLM_MAX_POSITIONS,
  TINY_VLM_SIZES,
  type TinyVlmSize,
  type TinyVlmSizeName,
  tinyVlmConfigJson,
  tinyVlmGenerationConfigJson,
} from './tiny-vlm/sizes.js';
export {
  EOS_TOKEN,
  IMAGE_TOKEN,
  PAD_TOKEN,
  TINY_VLM_CHAT_TEMPLATE,
  TINY_VLM_SPECIAL_TOKENS,
  TINY_VLM_VOCAB_SIZE,
  tinyVlmBpe,
  tinyVlmTokenizer,
  tinyVlmTokenizerFiles,
} from './tiny-vlm/tokenizer-spec.js';
