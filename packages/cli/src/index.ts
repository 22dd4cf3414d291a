export { collectDoctorReport, type DoctorReport, formatDoctorReport } from './commands/doctor.js';
export { buildProgram, runCli } from './program.js';
export { defaultRewardFuncs, RL_STAGES, type RlStage } from './rl/grpo-parts.js';
export { type GrpoStageOptions, runGrpoStage } from './rl/run-grpo-stage.js';
export { CLI_VERSION } from './version.js';
