/**
 * Static evaluation of a model on GE-Lab test-format records: a reply per record (generated in
 * batches: the calls are made together), scored by the published step scorer, plus the mean
 * distance between predicted and true click. The predictions are written as test.json records
 * with `pred` added, the layout `guinav eval static` reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type GelabTestRecord, type OnProgress, parseGelabAction } from '@guinav/data-gen';
import { type GelabStaticMetrics, scoreGelabRecords } from '@guinav/eval-env';
import { writeTextFileAtomic } from '@guinav/trainer-core';
import type { Responder } from '../../commands/train/model-data.js';

/** How far predicted clicks land from the true ones, on click steps. */
export interface CoordinateError {
  /** Mean Euclidean distance on the 0..1000 scale; null when no click step got a parsable point. */
  mean: number | null;
  /** Click steps whose reply had a point. */
  measured: number;
  /** Click steps in all. */
  clickSteps: number;
}

export interface StaticEvaluation {
  metrics: GelabStaticMetrics;
  coordinateError: CoordinateError;
  predictions: string[];
}

/** A test record of either dataset: the user turn, the true answer, the screenshots. */
export type PromptRecord = Pick<GelabTestRecord, 'messages' | 'images'>;

const userTurn = (r: PromptRecord) => r.messages[0]!;
const answer = (r: PromptRecord) => String(r.messages[1]!.content);

/** The model's reply to each record's user turn, in order; every call is made at once so they batch. */
export async function predictRecords(
  records: readonly PromptRecord[],
  respond: Responder,
  options: { onProgress?: OnProgress; label?: string; signal?: AbortSignal } = {},
): Promise<string[]> {
  let done = 0;
  const report = () => options.onProgress?.({ phase: options.label ?? 'predict', done, total: records.length });
  report();
  return Promise.all(
    records.map(async (r) => {
      options.signal?.throwIfAborted();
      const reply = await respond({ messages: [{ ...userTurn(r) }], images: r.images });
      done++;
      report();
      return reply;
    }),
  );
}

/** The point of a click action string (null for other actions): each dataset's grammar says. */
export type ClickPointOf = (action: string) => readonly [number, number] | null;

const gelabClickPoint: ClickPointOf = (action) => {
  const a = parseGelabAction(action);
  return a.type === 'click' ? a.point : null;
};

export function coordinateError(
  records: readonly PromptRecord[],
  predictions: readonly string[],
  pointOf: ClickPointOf = gelabClickPoint,
): CoordinateError {
  let sum = 0;
  let measured = 0;
  let clickSteps = 0;
  records.forEach((r, i) => {
    const truth = pointOf(answer(r));
    if (!truth) return;
    clickSteps++;
    const pred = pointOf(predictions[i] ?? '');
    if (!pred) return;
    sum += Math.hypot(pred[0] - truth[0], pred[1] - truth[1]);
    measured++;
  });
  return { mean: measured === 0 ? null : sum / measured, measured, clickSteps };
}

export function scoreStatic(
  records: readonly GelabTestRecord[],
  predictions: readonly string[],
  file: string,
): GelabStaticMetrics {
  return scoreGelabRecords(
    records.map((r, i) => ({
      value: {
        idx: r.idx,
        path: r.path,
        task: r.task,
        prompt: String(userTurn(r).content),
        gt: answer(r),
        pred: predictions[i] ?? '',
        bbox_norm: r.bbox_norm,
      },
      where: `record ${i}`,
    })),
    file,
  );
}

/** Writes `<file>`: each record with its reply added as `pred`, one per line. */
export async function writePredictions(
  file: string,
  records: readonly object[],
  predictions: readonly string[],
): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await writeTextFileAtomic(
    file,
    records.map((r, i) => `${JSON.stringify({ ...r, pred: predictions[i] })}\n`).join(''),
  );
}

/** Predicts, scores and writes `<file>` (one test record with `pred` per line). */
export async function evaluateStatic(
  records: readonly GelabTestRecord[],
  respond: Responder,
  file: string,
  options: { onProgress?: OnProgress; label?: string; signal?: AbortSignal } = {},
): Promise<StaticEvaluation> {
  const predictions = await predictRecords(records, respond, options);
  await writePredictions(file, records, predictions);
  return {
    metrics: scoreStatic(records, predictions, file),
    coordinateError: coordinateError(records, predictions),
    predictions,
  };
}

/** Step accuracy (0..1) of replies to `records`: the metric that picks the best checkpoint during training. */
export async function stepAccuracy(records: readonly GelabTestRecord[], respond: Responder): Promise<number> {
  const metrics = scoreStatic(records, await predictRecords(records, respond), 'validation records');
  return metrics.overall.count === 0 ? 0 : metrics.overall.correct / metrics.overall.count;
}
