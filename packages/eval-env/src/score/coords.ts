import { matchOdysseyAction, type OdysseyActionType, parseOdysseyAction } from '@guinav/data-gen';
import { z } from 'zod';
import { type Accuracy, accuracy } from './accuracy.js';
import { Sam2Bbox } from './odyssey-ams.js';
import { type Located, readRecords } from './records.js';

/**
 * The seed pipeline's records: a DPO/SFT prompt, the `chosen` (ground-truth) action string and the
 * model's `pred`; `sam2_bbox` optional. Extra keys (`rejected`, ...) are ignored.
 */
export const CoordsPrediction = z.looseObject({
  prompt: z.string(),
  chosen: z.string(),
  pred: z.string(),
  sam2_bbox: Sam2Bbox.nullish(),
});
export type CoordsPrediction = z.output<typeof CoordsPrediction>;

export interface CoordsMetrics {
  /** All records: correct when the action type matches and the rest matches by the AMS rules. */
  overall: Accuracy;
  /** CLICK / LONG_PRESS records only: the point is within 0.14 of the chosen point or inside sam2_bbox. */
  points: Accuracy;
  byActionType: Partial<Record<OdysseyActionType, Accuracy>>;
  unparseable: number;
  count: number;
}

/**
 * The seed pipeline's "coordinate accuracy", made precise: a prediction is correct when its action
 * type equals the chosen action's and it matches it by GUI-Odyssey's step rules (radius 0.14 or
 * the box for points, direction for SCROLL, text similarity for TYPE), exactly as the official
 * GUI-Odyssey evaluator matches a step (data-gen's matchOdysseyAction); an unparseable `chosen`
 * is an error naming the line.
 */
export function scoreCoordsRecords(records: readonly Located<CoordsPrediction>[], file = 'predictions'): CoordsMetrics {
  const results = records.map(({ value: r, where }) => {
    const chosen = parseOdysseyAction(r.chosen);
    if (!chosen) throw new Error(`${file}: ${where}: chosen: "${r.chosen}" is not a GUI-Odyssey action string`);
    return { type: chosen.type, ...matchOdysseyAction(r.chosen, r.pred, r.sam2_bbox ?? null) };
  });
  const tallyOf = (of: typeof results) => accuracy({ count: of.length, correct: of.filter((r) => r.correct).length });
  const byActionType: Partial<Record<OdysseyActionType, Accuracy>> = {};
  for (const type of [...new Set(results.map((r) => r.type))].sort()) {
    byActionType[type] = tallyOf(results.filter((r) => r.type === type));
  }
  return {
    overall: tallyOf(results),
    points: tallyOf(results.filter((r) => r.type === 'CLICK' || r.type === 'LONG_PRESS')),
    byActionType,
    unparseable: results.filter((r) => r.verdict === 'invalid').length,
    count: results.length,
  };
}

export async function scoreCoordsFile(file: string): Promise<CoordsMetrics> {
  return scoreCoordsRecords(await readRecords(file, () => CoordsPrediction), file);
}
