export { enableGrad, isGradEnabled, noGrad } from './autograd/grad-mode.js';
export { type GradContext, type GradientConfig, registerGradient } from './autograd/gradients.js';

import './backend/default-backend.js';

export type { Backend, BackendLimits, TensorInfo } from './backend/backend.js';
export { CpuBackend, type CpuBackendOptions } from './backend/cpu/cpu-backend.js';
export { type CreateCpuBackendOptions, createCpuBackend } from './backend/cpu/create-cpu-backend.js';
export type {
  AdamWArgs,
  AddInPlaceArgs,
  AttentionArgs,
  AttentionBackwardArgs,
  BinaryArgs,
  CpuFastKernels,
  CrossEntropyArgs,
  CrossEntropyStats,
  GatedActArgs,
  GatedActGradArgs,
  MatmulArgs,
  Nf4MatmulArgs,
  RmsNormArgs,
  RmsNormGradArgs,
  RopeArgs,
} from './backend/cpu/fast-kernels.js';
export {
  CpuHeap,
  type HeapStats,
  MAX_PAGES as CPU_HEAP_MAX_PAGES,
  PAGE_BYTES as CPU_HEAP_PAGE_BYTES,
} from './backend/cpu/heap.js';
export { type CpuFastKernelOptions, createCpuFastKernels } from './backend/cpu/wasm/create-fast-kernels.js';
export {
  type InitBackendOptions,
  type InitializedBackend,
  initBackend,
  parseDeviceRequest,
} from './backend/init.js';
export { getKernel, hasKernel, type KernelArgs, type KernelImpl, registerKernel } from './backend/registry.js';
export {
  type ComputeDevice,
  type ComputeDeviceRequest,
  chooseComputeDevice,
  chooseTrainingDevice,
  type DeviceChoice,
} from './backend/select.js';
export {
  type CreateWebGpuBackendOptions,
  createWebGpuBackend,
} from './backend/webgpu/create-webgpu-backend.js';
export {
  type AcquireOptions,
  type AdapterKind,
  type AdapterPreference,
  type AdapterReport,
  acquireWebGpuDevice,
  type KeyLimits,
  listWebGpuAdapters,
  type WebGpuContext,
} from './backend/webgpu/device.js';
export {
  FEATURE_USES,
  type FeatureStatus,
  type FeatureUse,
  featureStatus,
  type OptionalFeature,
} from './backend/webgpu/features.js';
export {
  WebGpuBackend,
  type WebGpuBackendOptions,
  type WebGpuFeatures,
  type WebGpuStats,
} from './backend/webgpu/webgpu-backend.js';
export {
  type BenchResult,
  CPU_BENCH_WORKLOADS,
  type CpuBenchOptions,
  type CpuBenchReport,
  type CpuBenchWorkload,
  runCpuBenchmarks,
} from './bench/cpu-bench.js';
export { type BenchDecoderShape, REF_DECODER } from './bench/ref-decoder.js';
export {
  MICRO_DECODER,
  runWebGpuBenchmarks,
  WEBGPU_BENCH_WORKLOADS,
  WEBGPU_QUICK_WORKLOADS,
  type WebGpuBenchOptions,
  type WebGpuBenchReport,
  type WebGpuBenchWorkload,
} from './bench/webgpu-bench.js';
export { BYTE_CHARS, fromByteLevel, toByteLevel } from './bpe/byte-level.js';
export { ISOLATED_PATTERN, splitIsolated, splitSpecialTokens } from './bpe/pieces.js';
export { byteLevelBpeTokenizerJson, type TokenizerJson } from './bpe/tokenizer-json.js';
export { type BpeTrainingOptions, type TrainedBpe, trainByteLevelBpe } from './bpe/train.js';
export { BatchItemFailure, GenerationBatcher, type GenerationBatcherOptions } from './generate/batcher.js';
export {
  BatchedChat,
  type ChatGenerationOptions,
  type ChatOptions,
  type ChatPrompt,
  type ChatReply,
  type ChatTokens,
  PromptError,
  TextChat,
} from './generate/chat.js';
export {
  type FinishReason,
  type GenerateOptions,
  type GenerationRequest,
  type GenerationResult,
  type GenerationTokenizer,
  generate,
  type RowGenerationOptions,
} from './generate/generate.js';
export { KvCache } from './generate/kv-cache.js';
export {
  argmaxRow,
  checkSamplingOptions,
  chooseToken,
  type SamplingOptions,
  samplingDistribution,
} from './generate/sampling.js';
export { readJsonFile, sortedJson, writeTextFileAtomic } from './io/files.js';
export * from './io/safetensors/index.js';
export {
  allDefinitions,
  defineKernel,
  defineView,
  type KernelDef,
  type KernelSpec,
  type OpDef,
  type TensorMeta,
  type ViewDef,
  variantKey,
} from './kernels/define.js';
export * as kernels from './kernels/index.js';
export {
  DEFAULT_ROPE_SCALING,
  type RopeScaling,
  ropeInvFreq,
  ropeScalingKey,
} from './kernels/shapes/rope-frequencies.js';
export { crc32c, maskedCrc32c } from './log/crc32c.js';
export { encodeEvent, frameRecord, TensorBoardWriter } from './log/tensorboard.js';
export { type LogRecord, TrainingLog } from './log/training-log.js';
export * from './lora/index.js';
export * from './models/index.js';
export {
  type AttentionInputs,
  type KeyValueCache,
  SelfAttention,
  type SelfAttentionOptions,
} from './nn/attention.js';
export { dropoutRng, setDropoutRng } from './nn/dropout-rng.js';
export {
  buildModule,
  constantInit,
  type Init,
  kaimingUniformInit,
  normalInit,
  type ParameterPlacement,
  uniformInit as uniformInitializer,
} from './nn/init.js';
export {
  Embedding,
  type EmbeddingOptions,
  LayerNorm,
  Linear,
  type LinearOptions,
  RMSNorm,
  type RmsNormLayerOptions,
} from './nn/layers.js';
export { GatedMLP, type MlpActivation } from './nn/mlp.js';
export { type BufferOptions, Module, ModuleList } from './nn/module.js';
export {
  type LoadReport,
  type LoadStateOptions,
  loadStateDict,
  memoryTensorSource,
  type TensorSource,
} from './nn/state-dict.js';
export * from './ops/index.js';
export { AdamW, type AdamWOptions, type AdamWStateDict } from './optim/adamw.js';
export { clipGradNorm } from './optim/clip.js';
export {
  decayGroups,
  type NamedParameters,
  Optimizer,
  type ParamGroup,
  type ParamGroupSpec,
} from './optim/optimizer.js';
export {
  LrScheduler,
  lrLambda,
  resolveWarmupSteps,
  type ScheduleName,
  type ScheduleOptions,
} from './optim/schedule.js';
export { SGD, type SgdOptions } from './optim/sgd.js';
export * from './quant/index.js';
export { fmix32, hash2 } from './random/hash.js';
export { TrainingRng, type TrainingRngState } from './random/training-rng.js';
export * from './rl/index.js';
export { bytesPerElement, type DType, type FloatDType, type TypedArray } from './tensor/dtype.js';
export { getBackend, type KernelProfiler, runKernel, setBackend, setKernelProfiler } from './tensor/engine.js';
export {
  bf16ArrayToF32,
  bf16BitsToF32,
  f16ArrayToF32,
  f16BitsToF32,
  f32ArrayToBf16,
  f32ArrayToF16,
  f32ToBf16Bits,
  f32ToF16Bits,
} from './tensor/half.js';
export { dispose, keep, tidy } from './tensor/scope.js';
export { type Shape, shapeSize } from './tensor/shape.js';
export { Storage, Tensor } from './tensor/tensor.js';
export * from './tokenizer/index.js';
export * from './train/index.js';
export {
  type ImageProcessorConfig,
  type ImageProcessorConfigJson,
  ImageProcessorConfigSchema,
  PIL_RESAMPLE,
  parseImageProcessorConfig,
  siglipImageProcessorJson,
} from './vision/image-processor-config.js';
export { ImagePreprocessor, type ImagePreprocessorOptions, type PixelValues } from './vision/preprocess.js';
