/**
 * The GE-Lab run's table: static step accuracy in and out of distribution (and by bucket), task
 * accuracy, interactive Pass@1 by path length, coordinate errors, DPO reward accuracy, the RL
 * stage's training reward (runs with RL only), time.
 */
import type { StageSummary } from '../summary.js';
import { cell, distance, type Interval, pct, rowBuilder, type StageTable } from './stage-table.js';

const ci = (s: StageSummary, key: string) => s.ci95[key] as Interval;
const ciOf = (s: StageSummary, group: string, key: string) => (s.ci95[group] as Record<string, Interval>)[key];

function rows(stages: Readonly<Record<string, StageSummary>>): string[][] {
  const { rows, add, keysOf } = rowBuilder(stages);
  add('static step accuracy (in distribution)', (s) => cell(s.staticStepAccuracy, ci(s, 'staticStepAccuracy')));
  add('static step accuracy (test subtree)', (s) => cell(s.oodStaticStepAccuracy, ci(s, 'oodStaticStepAccuracy')));
  for (const b of keysOf((s) => s.oodStaticBuckets)) {
    add(`  test subtree, ${b}`, (s) => cell(s.oodStaticBuckets[b], ciOf(s, 'oodStaticBuckets', b)));
  }
  add('task accuracy (test subtree)', (s) => cell(s.taskAccuracy, ci(s, 'taskAccuracy')));
  // `all` first, then the path lengths (JavaScript lists integer-like keys before the others).
  const passKeys = keysOf((s) => s.interactivePass1).sort((a, b) =>
    a === 'all' ? -1 : b === 'all' ? 1 : Number(a) - Number(b),
  );
  for (const k of passKeys) {
    add(k === 'all' ? 'interactive Pass@1' : `  interactive Pass@1, path ${k}`, (s) =>
      cell(s.interactivePass1[k], ciOf(s, 'interactivePass1', k)),
    );
  }
  add('coordinate error, in distribution (0..1000 units)', (s) => distance(s.coordinateError));
  add('coordinate error, test subtree (0..1000 units)', (s) => distance(s.oodCoordinateError));
  add('DPO reward accuracy', (s) => pct(s.rewardAccuracy));
  // Only in a run with RL (a run without keeps its table as it was).
  if (Object.values(stages).some((s) => s.rlReward)) {
    add('RL training reward (first -> last quarter of steps)', (s) =>
      s.rlReward ? `${s.rlReward.first.toFixed(2)} -> ${s.rlReward.last.toFixed(2)}` : '-',
    );
  }
  add('time', (s) => `${s.seconds.toFixed(0)} s`);
  return rows;
}

export const GELAB_TABLE: StageTable<StageSummary> = {
  rows,
  bars: () => [
    { label: 'step, in dist.', value: (s) => s.staticStepAccuracy, ci: (s) => ci(s, 'staticStepAccuracy') },
    { label: 'step, test', value: (s) => s.oodStaticStepAccuracy, ci: (s) => ci(s, 'oodStaticStepAccuracy') },
    { label: 'task, test', value: (s) => s.taskAccuracy, ci: (s) => ci(s, 'taskAccuracy') },
    {
      label: 'Pass@1, test',
      value: (s) => s.interactivePass1.all,
      ci: (s) => ciOf(s, 'interactivePass1', 'all'),
    },
  ],
};
