// Public API of @guinav/eval-env.

// Agents
export type { ActOptions, Agent } from './agents/agent.js';
export { AgentCallError, DEFAULT_MAX_REPLY_BYTES, HttpAgent, type HttpAgentOptions } from './agents/http.js';
export { ConcurrencyLimiter } from './agents/limiter.js';
export { dataUrl, type OpenAiContentPart, type OpenAiMessage, toOpenAiMessages } from './agents/openai-messages.js';
export { OracleAgent } from './agents/oracle.js';
export { RandomAgent } from './agents/random.js';
// Rewards (GE-Lab's GRPO reward functions)
export {
  a2b,
  a2bWo,
  formatConstraint,
  GELAB_REWARD_NAMES,
  type GelabRewardName,
  gelabRewards,
  isGelabRewardName,
  type NamedReward,
  type RewardFunction,
  type RewardInput,
  softA2b,
  webActionMatch,
  webCoordinateMatch,
  webCoordinateMatchBbox,
  webIntentMatch,
} from './rewards/gelab-rewards.js';
export { type Accuracy, accuracy, percent } from './score/accuracy.js';
export { type CoordsMetrics, CoordsPrediction, scoreCoordsFile, scoreCoordsRecords } from './score/coords.js';
export {
  GelabFlatPrediction,
  GelabMessagesPrediction,
  type GelabPrediction,
  type GelabStaticMetrics,
  gelabPredictionSchema,
  gelabStepCorrect,
  scoreGelabFile,
  scoreGelabRecords,
} from './score/gelab-static.js';
// Scores
export {
  type InteractiveMetrics,
  type InteractiveSettings,
  interactiveMetrics,
  type PassBucket,
  type ScoredEpisode,
} from './score/interactive-metrics.js';
export {
  ODYSSEY_CATEGORIES,
  ODYSSEY_SPLITS,
  type OdysseyCategoryMetrics,
  type OdysseyMetrics,
  type OdysseyPrediction,
  OdysseyPublishedPrediction,
  type OdysseySplit,
  OdysseyStepPrediction,
  odysseyPredictionSchema,
  scoreOdysseyFile,
  scoreOdysseyRecords,
  scoreOdysseyStep,
} from './score/odyssey-ams.js';
export { hasKey, type Located, NormBboxSchema, readRecords, Sam2BboxSchema } from './score/records.js';
export {
  INTERACTIVE_RESULT_FILES,
  type InteractiveResultFiles,
  writeInteractiveResults,
  writeJsonFile,
} from './score/results-files.js';
// Simulator and interactive runs
export {
  DEFAULT_MAX_STEPS,
  type EndReason,
  type EpisodeTrace,
  type NavigationGoal,
  type StepOutcome,
  type StepRecord,
  SUCCESS_VARIANTS,
  type SuccessVariant,
} from './sim/episode.js';
export type { Observation } from './sim/observation.js';
export { checkInteractiveRunSize, INTERACTIVE_BYTES_PER_STEP } from './sim/run-size.js';
export {
  AgentUnavailableError,
  DEFAULT_MAX_CONSECUTIVE_AGENT_ERRORS,
  type EpisodeRecord,
  episodeSeed,
  type InteractiveRun,
  type InteractiveRunOptions,
  type InteractiveTask,
  type RunProgress,
  runEpisode,
  runInteractive,
} from './sim/runner.js';
export { hitTest, type PageScreen, pageScreen } from './sim/screen.js';
export { imageMimeType, type Screenshot, ScreenshotStore } from './sim/screenshots.js';
export {
  HISTORY_RULES,
  type HistoryRule,
  rolloutNamedIcon,
  Simulator,
  type SimulatorOptions,
  type StepResult,
} from './sim/simulator.js';
export { findTaskProblem, loadInteractiveTasks } from './sim/tasks.js';
