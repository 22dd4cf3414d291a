/** Reinforcement learning on the shared Trainer: GRPO (config, group advantages, loss, objective). */
export { ADVANTAGE_EPS, type GroupStats, groupAdvantages } from './advantages.js';
export { type GrpoConfig, type GrpoConfigInput, GrpoConfigSchema, MULTI_TURN_FUNCS } from './grpo-config.js';
export {
  type GrpoLossInputs,
  type GrpoLossOptions,
  type GrpoLossResult,
  type GrpoLossType,
  grpoLoss,
  grpoTokenWeights,
} from './grpo-loss.js';
export {
  type GrpoBatch,
  GrpoObjective,
  type GrpoObjectiveOptions,
  type Rollout,
  type RolloutFunction,
} from './grpo-objective.js';
