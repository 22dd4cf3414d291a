/**
 * A dataset's results table as a spec: the rows (a label and a cell per stage) and the accuracy
 * bars (a metric's value and 95% interval per stage). The report, the console table and the
 * charts read the spec, so each dataset says what it measured once.
 */

export type Interval = [number, number] | null | undefined;

export interface BarSpec<S> {
  label: string;
  value(s: S): number | null | undefined;
  ci(s: S): Interval;
}

export interface StageTable<S> {
  rows(stages: Readonly<Record<string, S>>): string[][];
  /** The bars to draw (they may depend on what the stages hold, e.g. their categories). */
  bars(stages: Readonly<Record<string, S>>): readonly BarSpec<S>[];
}

/** One stage's bar of a metric, as the chart draws it. */
export interface BarPoint {
  stage: string;
  metric: string;
  value: number;
  lo: number;
  hi: number;
}

/** The table and bars of some stages, ready to draw. */
export interface StageTableView {
  stages: string[];
  rows: string[][];
  bars: BarPoint[];
  /** The metrics in the order their bars are laid out. */
  barOrder: string[];
}

export function tableView<S>(table: StageTable<S>, stages: Readonly<Record<string, S>>): StageTableView {
  const specs = table.bars(stages);
  const bars: BarPoint[] = [];
  for (const [stage, s] of Object.entries(stages)) {
    for (const bar of specs) {
      const value = bar.value(s);
      if (value === null || value === undefined) continue;
      const ci = bar.ci(s);
      bars.push({ stage, metric: bar.label, value, lo: ci?.[0] ?? value, hi: ci?.[1] ?? value });
    }
  }
  return { stages: Object.keys(stages), rows: table.rows(stages), bars, barOrder: specs.map((b) => b.label) };
}

export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

/** A share with its interval: `45.0% [30.1, 60.2]`. */
export function cell(value: number | null | undefined, ci: Interval): string {
  if (value === null || value === undefined) return '-';
  return ci ? `${pct(value)} [${(ci[0] * 100).toFixed(1)}, ${(ci[1] * 100).toFixed(1)}]` : pct(value);
}

export const distance = (v: number | null) => (v === null ? '-' : v.toFixed(1));

/** Builds rows: `add(label, cellOf)` appends a row with a cell per stage. */
export function rowBuilder<S>(stages: Readonly<Record<string, S>>) {
  const names = Object.keys(stages);
  const rows: string[][] = [];
  const add = (label: string, f: (s: S) => string) => rows.push([label, ...names.map((n) => f(stages[n]!))]);
  /** The keys of a per-stage record, over every stage, in order of first appearance. */
  const keysOf = (f: (s: S) => Record<string, unknown>) => [
    ...new Set(names.flatMap((n) => Object.keys(f(stages[n]!)))),
  ];
  return { rows, add, keysOf };
}

/** The stage table as aligned plain text, for the console at the end of a run. */
export function formatStageTable(view: Pick<StageTableView, 'stages' | 'rows'>): string {
  const header = ['metric', ...view.stages];
  const rows = [header, ...view.rows];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
    .join('\n');
}
