/**
 * The run's report: summary.json for scripts (per stage: the dataset's accuracies in 0..1 with
 * their 95% Wilson intervals, coordinate errors, seconds), and report.md / report.html with the
 * dataset's table, the loss, DPO reward and GRPO reward curves from the stages' metrics.jsonl, and (GE-Lab) a few
 * episode replays per stage.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EpisodeRecord } from '@guinav/eval-env';
import { writeTextFileAtomic } from '@guinav/trainer-core';
import type { BaseStageSummary, DatasetFlow } from '../flows/flow.js';
import type { CurvePoint } from '../report/charts.js';
import { renderReplay } from '../report/replays.js';
import { tableView } from '../report/stage-table.js';
import { type ReplayEntry, writeReport } from '../report/write-report.js';
import { type PipelineState, RUN_FILES, type RunFolder } from '../run-folder.js';
import { EVAL_FILES } from './evaluate-gelab.js';
import type { RlStageResult, TrainedStage } from './train-stage.js';

/** The evaluated stages, by the name the report and summary.json use. */
export const EVALUATED = { base: 'eval-base', sft: 'eval-sft', dpo: 'eval-dpo', rl: 'eval-rl' } as const;

/** What a training stage adds to its evaluation's summary: DPO's held-out reward accuracy, RL's training reward. */
function trainingFacts(name: string, state: PipelineState): Partial<BaseStageSummary> {
  if (name === 'dpo') {
    const accuracy = (state.stages.dpo?.result as TrainedStage | undefined)?.rewardAccuracy;
    return accuracy === undefined ? {} : { rewardAccuracy: accuracy };
  }
  if (name === 'rl') {
    const reward = (state.stages.rl?.result as RlStageResult | undefined)?.reward;
    return reward ? { rlReward: reward } : {};
  }
  return {};
}

export function stageSummaries<S extends BaseStageSummary>(state: PipelineState): Record<string, S> {
  const out: Record<string, S> = {};
  for (const [name, key] of Object.entries(EVALUATED)) {
    const summary = state.stages[key]?.result as S | undefined;
    if (summary) out[name] = { ...summary, ...trainingFacts(name, state) };
  }
  return out;
}

function readMetricsLog(dir: string): Record<string, number>[] {
  const file = path.join(dir, 'metrics.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, number>);
}

/** Points of `keys` (metric name -> series label) from a stage's log. */
function curve(stage: string, log: readonly Record<string, number>[], keys: Record<string, string>): CurvePoint[] {
  return log.flatMap((r) =>
    Object.entries(keys)
      .filter(([key]) => typeof r[key] === 'number' && Number.isFinite(r[key]))
      .map(([key, series]) => ({ stage, step: r.step!, series, value: r[key]! })),
  );
}

/**
 * Replays of the same tasks in every stage (so a reader compares like with like): the first task
 * of each path length, up to `count`.
 */
export async function drawReplays(run: RunFolder, stages: readonly string[], count: number): Promise<ReplayEntry[]> {
  const entries: ReplayEntry[] = [];
  const dir = path.join(run.dir, 'report', 'replays');
  fs.mkdirSync(dir, { recursive: true });
  let chosen: number[] | null = null;
  for (const stage of stages) {
    const file = path.join(run.evaluation(stage), EVAL_FILES.interactive, 'episodes.jsonl');
    if (!fs.existsSync(file)) continue;
    const episodes = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as EpisodeRecord);
    chosen ??= [...new Map(episodes.map((e) => [e.pathLength, e.taskIndex])).values()].slice(0, count);
    for (const taskIndex of chosen) {
      const episode = episodes.find((e) => e.taskIndex === taskIndex);
      if (!episode) continue;
      const name = `${stage}-task${taskIndex}.png`;
      fs.writeFileSync(path.join(dir, name), await renderReplay(episode, run.images));
      entries.push({
        stage,
        task: `${episode.source} to ${episode.target} (path ${episode.pathLength})`,
        success: episode.success,
        file: `report/replays/${name}`,
      });
    }
  }
  return entries;
}

export async function writeRunReport<S extends BaseStageSummary>(
  run: RunFolder,
  state: PipelineState,
  flow: Pick<DatasetFlow<S>, 'table' | 'replays'>,
  facts: readonly string[],
  createdAt: Date,
): Promise<string[]> {
  const stages = stageSummaries<S>(state);
  await writeTextFileAtomic(
    run.file('summary'),
    `${JSON.stringify({ createdAt: createdAt.toISOString(), run: run.dir, stages }, null, 2)}\n`,
  );
  const sftLog = readMetricsLog(run.training('sft'));
  const dpoLog = readMetricsLog(run.training('dpo'));
  const rlLog = readMetricsLog(run.training('rl'));
  // The sum, then each reward function (`rewards/<name>`, TRL's names) as GRPO logged them.
  const rlRewards = [...new Set(rlLog.flatMap((r) => Object.keys(r)).filter((k) => k.startsWith('rewards/')))];
  const losses = { loss: 'train loss', eval_loss: 'eval loss' };
  const written = await writeReport(run.dir, {
    title: 'guinav pipeline report',
    createdAt: createdAt.toISOString(),
    facts,
    table: tableView(flow.table, stages),
    lossCurves: [...curve('sft', sftLog, losses), ...curve('dpo', dpoLog, losses)],
    rewardCurves: curve('dpo', dpoLog, {
      'rewards/chosen': 'chosen',
      'rewards/rejected': 'rejected',
      'rewards/margins': 'margin',
      'eval_rewards/accuracies': 'held-out accuracy',
    }),
    rlCurves: curve('rl', rlLog, {
      reward: 'reward',
      ...Object.fromEntries(rlRewards.map((k) => [k, k.slice('rewards/'.length)])),
    }),
    replays: await flow.replays(run, Object.keys(stages), state.config.eval.replays),
  });
  return [RUN_FILES.summary, ...written];
}
