/**
 * One model's evaluation in a GE-Lab run: static step accuracy in distribution (the SFT subtrees'
 * steps with fresh points) and on the test subtree, the coordinate errors, and the test subtree's
 * tasks played in the simulator (Pass@1 by path length). Every reply of a part is asked for at
 * once, so the model's batcher generates them together. Files land in `eval/<stage>/`:
 * id_predictions.jsonl, ood_predictions.jsonl, interactive/{metrics.json, episodes.jsonl} and
 * metrics.json (all of it, with the summary).
 */
import path from 'node:path';
import { GELAB_OUTPUT_FILES, loadWorld, type OnProgress } from '@guinav/data-gen';
import {
  type Agent,
  type InteractiveMetrics,
  loadInteractiveTasks,
  runInteractive,
  writeInteractiveResults,
  writeJsonFile,
} from '@guinav/eval-env';
import { type PipelineConfig, runObservation } from '../config.js';
import { evaluateStatic } from '../evaluate/static-eval.js';
import type { RunFolder } from '../run-folder.js';
import { type StageSummary, summarizeStage } from '../summary.js';
import { PIPELINE_DATA_FILES, readTestRecords } from './gelab-data.js';
import type { StageModel } from './stage-model.js';

export const EVAL_FILES = {
  idPredictions: 'id_predictions.jsonl',
  oodPredictions: 'ood_predictions.jsonl',
  interactive: 'interactive',
  metrics: 'metrics.json',
} as const;

interface EvalIo {
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

async function playTestTasks(
  run: RunFolder,
  config: PipelineConfig,
  agent: Agent,
  outDir: string,
  io: EvalIo,
): Promise<InteractiveMetrics> {
  const world = await loadWorld(run.uiStructure);
  const tasks = await loadInteractiveTasks(path.join(run.data, GELAB_OUTPUT_FILES.tasksTest), world);
  const played = await runInteractive({
    world,
    tasks,
    agent,
    maxSteps: config.eval.max_steps,
    observation: runObservation(config),
    imagesDir: run.images,
    concurrency: config.eval.concurrency,
    seed: config.seed,
    signal: io.signal,
    onProgress: ({ successes, ...event }) =>
      io.onProgress?.({ ...event, phase: 'episodes', info: { solved: `${successes}/${event.done}` } }),
  });
  await writeInteractiveResults(outDir, played, { signal: io.signal });
  return played.metrics;
}

export async function evaluateGelabStage(
  run: RunFolder,
  config: PipelineConfig,
  stage: string,
  model: StageModel,
  io: EvalIo,
): Promise<StageSummary> {
  const started = performance.now();
  const dir = run.evaluation(stage);
  const id = await evaluateStatic(
    readTestRecords(path.join(run.data, PIPELINE_DATA_FILES.idTest)),
    model.respond,
    path.join(dir, EVAL_FILES.idPredictions),
    { ...io, label: 'in-distribution steps' },
  );
  const ood = await evaluateStatic(
    readTestRecords(path.join(run.data, GELAB_OUTPUT_FILES.test)),
    model.respond,
    path.join(dir, EVAL_FILES.oodPredictions),
    { ...io, label: 'test-subtree steps' },
  );
  const interactive = config.eval.interactive
    ? await playTestTasks(run, config, model.agent, path.join(dir, EVAL_FILES.interactive), io)
    : undefined;
  const summary = summarizeStage({
    idStatic: id.metrics,
    oodStatic: ood.metrics,
    interactive,
    coordinateError: id.coordinateError.mean,
    oodCoordinateError: ood.coordinateError.mean,
    seconds: (performance.now() - started) / 1000,
  });
  await writeJsonFile(path.join(dir, EVAL_FILES.metrics), {
    model: model.name,
    summary,
    inDistribution: { ...id.metrics, coordinateError: id.coordinateError },
    testSubtree: { ...ood.metrics, coordinateError: ood.coordinateError },
    interactive: interactive ?? null,
  });
  return summary;
}
