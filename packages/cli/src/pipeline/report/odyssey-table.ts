/**
 * The GUI-Odyssey run's table: AMS and SR on the test split (with the categories' AMS below),
 * the click coordinate error, DPO reward accuracy and time.
 */
import type { OdysseyStageSummary } from '../odyssey-summary.js';
import { cell, distance, pct, rowBuilder, type StageTable } from './stage-table.js';

const categoriesOf = (stages: Readonly<Record<string, OdysseyStageSummary>>) =>
  rowBuilder(stages)
    .keysOf((s) => s.amsByCategory)
    .sort();

function rows(stages: Readonly<Record<string, OdysseyStageSummary>>): string[][] {
  const { rows, add } = rowBuilder(stages);
  add('AMS (test split)', (s) => cell(s.ams, s.ci95.ams));
  for (const c of categoriesOf(stages)) {
    add(`  AMS, ${c}`, (s) => cell(s.amsByCategory[c], s.ci95.amsByCategory[c]));
  }
  add('SR (test split)', (s) => cell(s.sr, s.ci95.sr));
  add('coordinate error, click steps (0..1000 units)', (s) => distance(s.coordinateError));
  add('DPO reward accuracy', (s) => pct(s.rewardAccuracy));
  add('time', (s) => `${s.seconds.toFixed(0)} s`);
  return rows;
}

export const ODYSSEY_TABLE: StageTable<OdysseyStageSummary> = {
  rows,
  bars: (stages) => [
    { label: 'AMS, test', value: (s) => s.ams, ci: (s) => s.ci95.ams },
    { label: 'SR, test', value: (s) => s.sr, ci: (s) => s.ci95.sr },
    ...categoriesOf(stages).map((c) => ({
      label: `AMS, ${c}`,
      value: (s: OdysseyStageSummary) => s.amsByCategory[c],
      ci: (s: OdysseyStageSummary) => s.ci95.amsByCategory[c],
    })),
  ],
};
