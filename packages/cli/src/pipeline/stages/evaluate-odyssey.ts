/**
 * One model's evaluation in a GUI-Odyssey run: a reply to every step of the test split (asked for
 * at once, so the model's batcher generates them together), written as eval/<stage>/predictions.jsonl
 * (the test records with `pred`: what `guinav eval static --format odyssey` scores) and scored
 * from that file by the official AMS / SR rules, per category, with the click coordinate error.
 */
import path from 'node:path';
import {
  ODYSSEY_PIPELINE_FILES,
  type OdysseyPipelineStats,
  type OdysseyTestRecord,
  type OnProgress,
  parseOdysseyAction,
} from '@guinav/data-gen';
import { scoreOdysseyFile, scoreOdysseyStep, writeJsonFile } from '@guinav/eval-env';
import { readJsonFile } from '@guinav/trainer-core';
import { type ClickPointOf, coordinateError, predictRecords, writePredictions } from '../evaluate/static-eval.js';
import { type OdysseyStageSummary, summarizeOdysseyStage } from '../odyssey-summary.js';
import type { RunFolder } from '../run-folder.js';
import type { StageModel } from './stage-model.js';

export const ODYSSEY_EVAL_FILES = { predictions: 'predictions.jsonl', metrics: 'metrics.json' } as const;

interface EvalIo {
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** The point of a CLICK or LONG_PRESS (the steps whose box AMS checks). */
export const odysseyClickPoint: ClickPointOf = (action) => {
  const a = parseOdysseyAction(action);
  return a?.type === 'CLICK' || a?.type === 'LONG_PRESS' ? a.point : null;
};

/** The share of steps whose reply the official matcher accepts: the step accuracy that picks checkpoints. */
export async function odysseyStepAccuracy(
  records: readonly OdysseyTestRecord[],
  respond: StageModel['respond'],
): Promise<number> {
  const predictions = await predictRecords(records, respond);
  const correct = records.filter(
    (r, i) => scoreOdysseyStep({ ...r, pred: predictions[i] ?? '' }, `record ${i}`, 'validation records').correct,
  ).length;
  return records.length === 0 ? 0 : correct / records.length;
}

export async function evaluateOdysseyStage(
  run: RunFolder,
  stage: string,
  model: StageModel,
  io: EvalIo,
): Promise<OdysseyStageSummary> {
  const started = performance.now();
  const dir = run.evaluation(stage);
  const records = readJsonFile(path.join(run.data, ODYSSEY_PIPELINE_FILES.test)) as OdysseyTestRecord[];
  const stats = readJsonFile(path.join(run.data, ODYSSEY_PIPELINE_FILES.stats)) as OdysseyPipelineStats;
  const predictions = await predictRecords(records, model.respond, { ...io, label: 'test steps' });
  const file = path.join(dir, ODYSSEY_EVAL_FILES.predictions);
  await writePredictions(file, records, predictions);
  // Scored from the file, as `guinav eval static --format odyssey --split <split>` reads it.
  const split = stats.splitName ?? 'random';
  const metrics = await scoreOdysseyFile(file, split);
  const coordinates = coordinateError(records, predictions, odysseyClickPoint);
  const summary = summarizeOdysseyStage({
    metrics,
    coordinateError: coordinates.mean,
    seconds: (performance.now() - started) / 1000,
  });
  await writeJsonFile(path.join(dir, ODYSSEY_EVAL_FILES.metrics), {
    model: model.name,
    summary,
    split,
    testSplit: { ...metrics, coordinateError: coordinates },
  });
  return summary;
}
