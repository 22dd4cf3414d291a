/** The training loop and its parts (configs, batches, objectives, checkpoints). */

export { type AdapterTargetOptions, adapterTarget } from './adapter-target.js';
export { type BatchOrderOptions, ExampleBatches } from './batches.js';
export {
  type CausalLMBatch,
  type CollateOptions,
  collateCausalLM,
  shiftAlignedLabels,
  type TokenizedExample,
} from './causal-lm-batch.js';
export {
  CHECKPOINT_PREFIX,
  FINAL_MODEL_DIR,
  listCheckpoints,
  resolveResumeCheckpoint,
  type TrainerState,
  writeFolderAtomically,
} from './checkpoint.js';
export {
  baseTrainingKeys,
  type DpoConfig,
  DpoConfigSchema,
  parseTrainingConfig,
  readConfigFile,
  type SftConfig,
  SftConfigSchema,
  type TrainingConfig,
  type TrainingConfigInput,
} from './config.js';
export * from './data/index.js';
export { MetricSums } from './metric-sums.js';
export { type ModuleTargetOptions, moduleTarget } from './module-target.js';
export { causalLMLogits, type LogitsModel, SftObjective } from './sft-objective.js';
export {
  type BatchSource,
  type ObjectiveContext,
  type ObjectiveOutput,
  Trainer,
  type TrainerEvent,
  type TrainerOptions,
  TrainingDivergedError,
  type TrainingObjective,
  type TrainingTarget,
  type TrainResult,
} from './trainer.js';
