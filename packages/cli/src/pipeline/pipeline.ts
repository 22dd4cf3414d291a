/**
 * `guinav pipeline`: world (GE-Lab) or episodes (GUI-Odyssey) -> data -> evaluation of the base
 * model -> SFT -> evaluation -> DPO (from the SFT model, which is also its frozen reference) ->
 * evaluation -> (GE-Lab, with --rl) GRPO from the DPO model, else the SFT one -> evaluation ->
 * report, in one run folder. The stages are data: each says which modes run it and
 * what it does, with the dataset's flow (flows/) running the parts that differ; the state file
 * records every finished stage, so a stopped run continues from the last one (`--resume`), and
 * `--dpo-only` picks up a run's SFT model.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OnProgress } from '@guinav/data-gen';
import { createTinyVlm } from '@guinav/trainer-core';
import { initCliBackend } from '../device.js';
import { InterruptedError } from '../interrupt.js';
import { phaseProgress } from '../progress.js';
import type { RlStage } from '../rl/grpo-parts.js';
import { checkRlStage, type PipelineConfig } from './config.js';
import { estimateRemaining, formatEstimate } from './estimate.js';
import type { BaseStageSummary, DatasetFlow, StageContext } from './flows/flow.js';
import { GELAB_FLOW } from './flows/gelab.js';
import { ODYSSEY_FLOW } from './flows/odyssey.js';
import { recordAddedRl, writeManifest } from './manifest.js';
import { type StageTableView, tableView } from './report/stage-table.js';
import { newestRun, type PipelineState, RUNS_DIR, RunFolder, runTimestamp, type StageName } from './run-folder.js';
import { stageSummaries, writeRunReport } from './stages/report-stage.js';
import { openStageModel } from './stages/stage-model.js';
import {
  type ModelRef,
  type RlStageResult,
  runDpoStage,
  runRlStage,
  runSftStage,
  type TrainedStage,
} from './stages/train-stage.js';

export type PipelineMode = 'all' | 'sft-only' | 'dpo-only';

export interface PipelineRequest {
  config: PipelineConfig;
  mode: PipelineMode;
  /** The run folder (default: a new `runs/<timestamp>`, or the newest run for --resume / --dpo-only). */
  out?: string;
  resume: boolean;
  /** --dpo-only: the model DPO starts from (a model folder, or a LoRA adapter folder on config.model). */
  from?: string;
  /** --rl: a continued run (--resume, --dpo-only) gains the RL stage; a new run has it in `config.rl` already. */
  rl?: RlStage;
  /** The command line, for the manifest. */
  argv: readonly string[];
  signal?: AbortSignal;
  print?: (line: string) => void;
}

export interface PipelineOutcome {
  runDir: string;
  stages: Record<string, BaseStageSummary>;
  /** The results table (the dataset's table spec on the stages' summaries). */
  table: StageTableView;
  files: string[];
}

interface StageSpec {
  name: StageName;
  modes: readonly PipelineMode[];
  /** Runs even when an earlier invocation finished it (the report always reflects the latest state). */
  always?: boolean;
  /** Runs only when the run's config asks for it (default: always). */
  when?: (config: PipelineConfig) => boolean;
  run(ctx: StageContext, onProgress: OnProgress): Promise<{ note: string; result?: unknown }>;
}

const EVERY_MODE = ['all', 'sft-only', 'dpo-only'] as const;

/** The model the run starts from: `model` of the config, or the built-in tiny VLM created in the run. */
async function baseModel(ctx: StageContext): Promise<ModelRef> {
  if (ctx.config.model) return { model: ctx.config.model };
  if (!fs.existsSync(path.join(ctx.run.baseModel, 'config.json'))) {
    const { model } = await createTinyVlm({ dir: ctx.run.baseModel, size: 'tiny', seed: ctx.config.seed });
    model.dispose();
  }
  return { model: ctx.run.baseModel };
}

function trained(ctx: StageContext, stage: 'sft' | 'dpo' | 'rl'): ModelRef {
  const result = ctx.state.stages[stage]?.result as TrainedStage | undefined;
  if (!result) throw new Error(`${ctx.run.dir}: the ${stage} stage has not finished`);
  return { model: result.model, ...(result.adapter ? { adapter: result.adapter } : {}) };
}

/** RL starts from the run's DPO model when it has one, else from its SFT model (--sft-only). */
function rlStart(ctx: StageContext): ModelRef & { from: 'sft' | 'dpo' } {
  const from = ctx.state.stages.dpo ? 'dpo' : 'sft';
  return { ...trained(ctx, from), from };
}

/** The dataset flow of each `dataset` value: the runners of the stages that differ. */
const FLOWS: Record<PipelineConfig['dataset'], DatasetFlow> = {
  gelab: GELAB_FLOW as DatasetFlow,
  odyssey: ODYSSEY_FLOW as DatasetFlow,
};

const flowOf = (c: { config: PipelineConfig }): DatasetFlow => FLOWS[c.config.dataset];

async function evaluate(ctx: StageContext, stage: string, ref: ModelRef, onProgress: OnProgress) {
  const model = await openStageModel(ref, stage, ctx.config, ctx.backend);
  try {
    const flow = flowOf(ctx);
    const summary = await flow.evaluate(ctx, stage, model, { onProgress, signal: ctx.signal });
    return { note: flow.note(summary), result: summary };
  } finally {
    model.dispose();
  }
}

function trainNote(t: TrainedStage): string {
  const best = t.bestMetric === null ? '' : `, best eval_step_accuracy ${(100 * t.bestMetric).toFixed(1)}%`;
  return `${t.steps} steps${t.stoppedEarly ? ' (stopped early)' : ''}${best}; model in ${t.adapter ?? t.model}`;
}

function rlNote(t: RlStageResult): string {
  const reward = t.reward ? `, reward ${t.reward.first.toFixed(2)} -> ${t.reward.last.toFixed(2)}` : '';
  const speed =
    t.secondsPerStep && t.rolloutsPerSecond
      ? `, ${t.secondsPerStep.toFixed(2)} s/step (${t.rolloutsPerSecond.toFixed(1)} rollouts/s)`
      : '';
  return `GRPO ${t.kind} from the ${t.from} model: ${trainNote(t)}${reward}${speed}`;
}

/** GRPO after SFT or DPO, and its evaluation: for a dataset with RL data, when the run's config has `rl`. */
function rlStages(flow: DatasetFlow): StageSpec[] {
  const rlData = flow.rl;
  if (!rlData) return [];
  const when = (config: PipelineConfig) => config.rl !== null;
  return [
    {
      name: 'rl',
      modes: EVERY_MODE,
      when,
      run: async (c) => {
        const result = await runRlStage(c.run, c.config, rlStart(c), rlData(c.run), {
          backend: c.backend,
          signal: c.signal,
        });
        return { note: rlNote(result), result };
      },
    },
    { name: 'eval-rl', modes: EVERY_MODE, when, run: (c, p) => evaluate(c, 'rl', trained(c, 'rl'), p) },
  ];
}

/**
 * The stages in order, the same for every dataset: the first two (where the data comes from and
 * the data) and the evaluations run the dataset flow's runners.
 */
function stagesOf(flow: DatasetFlow): readonly StageSpec[] {
  return [
    {
      name: flow.source.name,
      modes: EVERY_MODE,
      run: async (c, p) => ({ note: await flow.source.run(c, { onProgress: p, signal: c.signal }) }),
    },
    {
      name: 'data',
      modes: EVERY_MODE,
      run: async (c, p) => ({ note: await flow.data(c, { onProgress: p, signal: c.signal }) }),
    },
    { name: 'eval-base', modes: ['all', 'sft-only'], run: async (c, p) => evaluate(c, 'base', await baseModel(c), p) },
    {
      name: 'sft',
      modes: ['all', 'sft-only'],
      run: async (c) => {
        const data = flow.training(c.run, c.config);
        const result = await runSftStage(c.run, c.config, await baseModel(c), data, {
          backend: c.backend,
          signal: c.signal,
        });
        return { note: trainNote(result), result };
      },
    },
    { name: 'eval-sft', modes: EVERY_MODE, run: (c, p) => evaluate(c, 'sft', trained(c, 'sft'), p) },
    {
      name: 'dpo',
      modes: ['all', 'dpo-only'],
      run: async (c) => {
        const data = flow.training(c.run, c.config);
        const result = await runDpoStage(c.run, c.config, trained(c, 'sft'), data, {
          backend: c.backend,
          signal: c.signal,
        });
        return { note: trainNote(result), result };
      },
    },
    { name: 'eval-dpo', modes: ['all', 'dpo-only'], run: (c, p) => evaluate(c, 'dpo', trained(c, 'dpo'), p) },
    ...rlStages(flow),
    {
      name: 'report',
      modes: EVERY_MODE,
      always: true,
      run: async (c) => {
        const files = await writeRunReport(c.run, c.state, flow, reportFacts(c, flow), new Date());
        return { note: `${files.length} files`, result: files };
      },
    },
  ];
}

const STAGES: Record<PipelineConfig['dataset'], readonly StageSpec[]> = {
  gelab: stagesOf(FLOWS.gelab),
  odyssey: stagesOf(FLOWS.odyssey),
};

function reportFacts(c: StageContext, flow: DatasetFlow): string[] {
  return [
    `run ${c.run.dir}, started ${c.startedAt.toISOString()}`,
    ...flow.facts(c),
    `model: ${c.config.model ?? 'built-in tiny VLM'}; device ${c.device.device} (${c.device.reason})`,
  ];
}

/** Which run folder this invocation works in, and its state (new or read back). */
function openRun(request: PipelineRequest, startedAt: Date): { run: RunFolder; state: PipelineState } {
  const continuing = request.resume || (request.mode === 'dpo-only' && request.from === undefined);
  const dir = request.out ?? (continuing ? newestRun() : path.join(RUNS_DIR, runTimestamp(startedAt)));
  if (!dir) {
    throw new Error(
      request.resume
        ? `--resume: no run under ${RUNS_DIR}/ to continue; start one with guinav pipeline`
        : `--dpo-only: no run under ${RUNS_DIR}/ with an SFT model; give --from CHECKPOINT or run guinav pipeline --sft-only first`,
    );
  }
  const run = new RunFolder(dir);
  const existing = run.readState();
  if (existing) {
    if (!continuing && request.mode !== 'dpo-only') {
      throw new Error(`--out ${dir}: it holds a pipeline run already; --resume continues it, or choose another --out`);
    }
    return { run, state: existing };
  }
  if (request.resume)
    throw new Error(`--resume: ${dir} holds no pipeline run (no ${path.basename(run.file('state'))})`);
  if (continuing) throw new Error(`--dpo-only: ${dir} holds no pipeline run; give --from CHECKPOINT`);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new Error(`--out ${dir}: the folder is not empty and holds no pipeline run; choose an empty or new folder`);
  }
  return { run, state: { version: 1, config: request.config, stages: {} } };
}

/** --dpo-only --from: the given model stands in for the SFT stage, and what came after it is redone. */
function startDpoFrom(state: PipelineState, from: string, config: PipelineConfig): void {
  const isAdapter = fs.existsSync(path.join(from, 'adapter_config.json'));
  if (isAdapter && !config.model)
    throw new Error(`--from ${from}: an adapter needs the base it was trained on: --model DIR`);
  const result: TrainedStage = {
    ...(isAdapter ? { model: config.model!, adapter: from } : { model: from }),
    steps: 0,
    stoppedEarly: false,
    bestMetric: null,
    bestCheckpoint: null,
    status: 'completed',
  };
  for (const name of ['eval-sft', 'dpo', 'eval-dpo', 'rl', 'eval-rl'] as const) delete state.stages[name];
  state.stages.sft = { finishedAt: new Date().toISOString(), seconds: 0, result };
}

/**
 * --resume --rl: a continued run gains the RL stage (on a finished run only the new stages run);
 * returns whether it was added now.
 */
function addRlStage(run: RunFolder, state: PipelineState, rl: RlStage): boolean {
  const current = state.config.rl;
  if (current === rl) return false;
  if (current !== null) {
    throw new Error(
      `--rl ${rl}: ${run.dir} was started with --rl ${current}; continue it without --rl, or start another run for ${rl}`,
    );
  }
  const config = { ...state.config, rl };
  checkRlStage(config, `--resume --out ${run.dir}`);
  state.config = config;
  return true;
}

export async function runPipeline(request: PipelineRequest): Promise<PipelineOutcome> {
  const print = request.print ?? ((line: string) => console.error(line));
  const startedAt = new Date();
  const { run, state } = openRun(request, startedAt);
  const rlAdded = request.rl !== undefined && addRlStage(run, state, request.rl);
  const config = state.config;
  if (request.mode === 'dpo-only' && request.from) startDpoFrom(state, request.from, config);
  if (request.mode === 'dpo-only' && !state.stages.sft) {
    throw new Error(`--dpo-only: ${run.dir} has no finished SFT stage; give --from CHECKPOINT or run --sft-only first`);
  }
  const flow = flowOf({ config });
  if (!state.stages[flow.source.name]) await flow.preflight(config);
  const { backend, choice } = await initCliBackend(config.device);
  fs.mkdirSync(run.dir, { recursive: true });
  // The manifest describes how the run was started; continuing it does not rewrite it.
  if (!fs.existsSync(run.file('manifest'))) {
    await writeManifest(run, config, choice, request.argv, startedAt, flow.manifest(config));
  } else if (rlAdded) {
    await recordAddedRl(run, config, request.argv);
  }
  await run.writeState(state);
  print(`guinav pipeline: run ${run.dir} on ${choice.device} (${choice.reason})`);
  const ctx: StageContext = { run, config, state, backend, device: choice, signal: request.signal, startedAt };
  let files: string[] = [];
  let estimated = false;
  for (const spec of STAGES[config.dataset]) {
    if (!spec.modes.includes(request.mode) || (spec.when && !spec.when(config))) continue;
    if (state.stages[spec.name] && !spec.always) {
      print(`${spec.name}: done earlier`);
      continue;
    }
    if (!estimated && TRAINING_STAGES.includes(spec.name)) {
      estimated = true;
      print(await estimate(ctx, request.mode));
    }
    const progress = phaseProgress(spec.name);
    const started = performance.now();
    let outcome: { note: string; result?: unknown };
    try {
      outcome = await spec.run(ctx, progress.onProgress);
    } catch (err) {
      if (request.signal?.aborted) throw stoppedAt(run, spec.name, request.signal);
      throw err;
    } finally {
      progress.stop();
    }
    const result = outcome.result as Partial<TrainedStage> | undefined;
    if (result?.status === 'interrupted') throw stoppedAt(run, spec.name, request.signal);
    const seconds = (performance.now() - started) / 1000;
    state.stages[spec.name] = { finishedAt: new Date().toISOString(), seconds, result: outcome.result };
    await run.writeState(state);
    if (spec.name === 'report') files = outcome.result as string[];
    print(`${spec.name}: ${outcome.note} (${seconds.toFixed(0)} s)`);
  }
  const stages = stageSummaries(state);
  return { runDir: run.dir, stages, table: tableView(flow.table, stages), files };
}

const TRAINING_STAGES: readonly StageName[] = ['sft', 'dpo', 'rl'];

/** The time the training and evaluations ahead will take, timed on this machine. */
async function estimate(ctx: StageContext, mode: PipelineMode): Promise<string> {
  const { state, config } = ctx;
  const measured = state.stages['eval-base'] ?? state.stages['eval-sft'];
  const start = mode === 'dpo-only' ? trained(ctx, 'sft') : await baseModel(ctx);
  const flow = flowOf(ctx);
  const rlData = flow.rl?.(ctx.run);
  // The model RL will start from when it is there already; else the base (the same shapes).
  const rlFrom = state.stages.dpo || state.stages.sft ? rlStart(ctx) : start;
  const rl =
    config.rl !== null && rlData && !state.stages.rl
      ? {
          dataset: rlData.records[config.rl],
          stage: config.rl,
          uiStructure: rlData.uiStructure,
          imagesDir: rlData.imagesDir,
          model: rlFrom.model,
          adapter: rlFrom.adapter,
        }
      : undefined;
  const files = { ...flow.training(ctx.run, config), evaluated: flow.evaluatedRecords(ctx.run) };
  const e = await estimateRemaining(config, files, start, ctx.backend, measured?.seconds ?? 0, {
    sft: mode !== 'dpo-only' && !state.stages.sft,
    dpo: mode !== 'sft-only' && !state.stages.dpo,
    rl,
  });
  return formatEstimate(e);
}

function stoppedAt(run: RunFolder, stage: string, signal: AbortSignal | undefined): InterruptedError {
  const reason = signal?.reason;
  return new InterruptedError(
    reason instanceof InterruptedError ? reason.signal : 'SIGINT',
    `stopped during ${stage}; the finished stages (and a training stage's last checkpoint) are kept: guinav pipeline --resume --out ${run.dir} continues`,
  );
}
