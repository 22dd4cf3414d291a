/** Public API of @guinav/dpo: DPO losses, the preference batches and the DPO objective for the trainer-core Trainer. */
export { type DpoLogps, type DpoLossOptions, type DpoLossResult, type DpoLossType, dpoLoss } from './dpo-loss.js';
export { DpoObjective, type DpoObjectiveOptions } from './dpo-objective.js';
export {
  collatePreference,
  type PreferenceBatch,
  type PreferenceCollateOptions,
  type PreferenceExample,
} from './preference-batch.js';
export { type PrecomputeReferenceOptions, precomputeReferenceLogps } from './reference-logps.js';
export {
  collateVisionPreference,
  type PixelBatch,
  type VisionPreferenceBatch,
  type VisionPreferenceExample,
} from './vision-preference.js';
