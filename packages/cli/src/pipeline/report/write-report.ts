/**
 * report.md and report.html of a pipeline run: the stage table (static step accuracy in and out
 * of distribution, by bucket, task accuracy, interactive Pass@1 by path length, coordinate error,
 * DPO reward accuracy, time), the loss / reward curves and accuracy bars, and episode replays.
 * Charts are written as SVG (embedded in the HTML) and PNG (linked from the Markdown).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StageSummary } from '../summary.js';
import { accuracyBars, type CurvePoint, curveChart, renderSvg, svgToPng } from './charts.js';

export interface ReplayEntry {
  stage: string;
  task: string;
  success: boolean;
  /** Path of the PNG relative to the run folder. */
  file: string;
}

export interface ReportInput {
  title: string;
  createdAt: string;
  /** Lines of context: machine, world, model, recipe. */
  facts: readonly string[];
  stages: Readonly<Record<string, StageSummary>>;
  lossCurves: readonly CurvePoint[];
  rewardCurves: readonly CurvePoint[];
  replays: readonly ReplayEntry[];
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

function cell(value: number | null | undefined, ci: [number, number] | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return ci ? `${pct(value)} [${(ci[0] * 100).toFixed(1)}, ${(ci[1] * 100).toFixed(1)}]` : pct(value);
}

/** The table's rows: [label, value per stage]. */
function tableRows(stages: Readonly<Record<string, StageSummary>>): string[][] {
  const names = Object.keys(stages);
  const rows: string[][] = [];
  const add = (label: string, f: (s: StageSummary) => string) => rows.push([label, ...names.map((n) => f(stages[n]!))]);
  const ci = (s: StageSummary, key: string) => s.ci95[key] as [number, number] | null;
  add('static step accuracy (in distribution)', (s) => cell(s.staticStepAccuracy, ci(s, 'staticStepAccuracy')));
  add('static step accuracy (test subtree)', (s) => cell(s.oodStaticStepAccuracy, ci(s, 'oodStaticStepAccuracy')));
  const bucketKeys = [...new Set(names.flatMap((n) => Object.keys(stages[n]!.oodStaticBuckets)))];
  for (const b of bucketKeys) {
    add(`  test subtree, ${b}`, (s) =>
      cell(s.oodStaticBuckets[b], (s.ci95.oodStaticBuckets as Record<string, [number, number] | null>)[b]),
    );
  }
  add('task accuracy (test subtree)', (s) => cell(s.taskAccuracy, ci(s, 'taskAccuracy')));
  // `all` first, then the path lengths (JavaScript lists integer-like keys before the others).
  const passKeys = [...new Set(names.flatMap((n) => Object.keys(stages[n]!.interactivePass1)))].sort((a, b) =>
    a === 'all' ? -1 : b === 'all' ? 1 : Number(a) - Number(b),
  );
  for (const k of passKeys) {
    add(k === 'all' ? 'interactive Pass@1' : `  interactive Pass@1, path ${k}`, (s) =>
      cell(s.interactivePass1[k], (s.ci95.interactivePass1 as Record<string, [number, number] | null>)[k]),
    );
  }
  const distance = (v: number | null) => (v === null ? '-' : v.toFixed(1));
  add('coordinate error, in distribution (0..1000 units)', (s) => distance(s.coordinateError));
  add('coordinate error, test subtree (0..1000 units)', (s) => distance(s.oodCoordinateError));
  add('DPO reward accuracy', (s) => pct(s.rewardAccuracy));
  add('time', (s) => `${s.seconds.toFixed(0)} s`);
  return rows;
}

/** The stage table as aligned plain text, for the console at the end of a run. */
export function formatStageTable(stages: Readonly<Record<string, StageSummary>>): string {
  const header = ['metric', ...Object.keys(stages)];
  const rows = [header, ...tableRows(stages)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
    .join('\n');
}

function markdown(input: ReportInput, charts: string[]): string {
  const names = Object.keys(input.stages);
  const rows = tableRows(input.stages);
  const lines = [
    `# ${input.title}`,
    '',
    `Created ${input.createdAt}.`,
    '',
    ...input.facts.map((f) => `- ${f}`),
    '',
    '## Results (95% Wilson intervals in brackets)',
    '',
    `| metric | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '## Curves',
    '',
    ...charts.map((c) => `![${c}](report/${c}.png)`),
    '',
    '## Episode replays',
    '',
    ...input.replays.flatMap((r) => [
      `${r.stage}, ${r.task}: ${r.success ? 'success' : 'failure'}`,
      '',
      `![${r.task}](${r.file})`,
      '',
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function html(input: ReportInput, svgs: Record<string, string>): string {
  const names = Object.keys(input.stages);
  const rows = tableRows(input.stages);
  const table = [
    `<tr><th>metric</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>`,
    ...rows.map(
      (r) => `<tr>${r.map((c, i) => (i === 0 ? `<td>${esc(c)}</td>` : `<td class="n">${esc(c)}</td>`)).join('')}</tr>`,
    ),
  ].join('\n');
  const replays = input.replays
    .map(
      (r) =>
        `<figure><img src="${esc(r.file)}" alt="${esc(r.task)}"><figcaption>${esc(`${r.stage}, ${r.task}: ${r.success ? 'success' : 'failure'}`)}</figcaption></figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1em 0}img{max-width:100%}</style>
</head><body>
<h1>${esc(input.title)}</h1>
<p>Created ${esc(input.createdAt)}.</p>
<ul>${input.facts.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
<h2>Results (95% Wilson intervals in brackets)</h2>
<table>
${table}
</table>
<h2>Curves</h2>
${Object.values(svgs).join('\n')}
<h2>Episode replays</h2>
${replays}
</body></html>
`;
}

/** Writes report/ (charts), report.md and report.html into `runDir`; returns the files written. */
export async function writeReport(runDir: string, input: ReportInput): Promise<string[]> {
  const chartDir = path.join(runDir, 'report');
  fs.mkdirSync(chartDir, { recursive: true });
  const specs = {
    accuracy: accuracyBars(input.stages),
    ...(input.lossCurves.length ? { loss: curveChart('Training loss', input.lossCurves, 'loss') } : {}),
    ...(input.rewardCurves.length ? { rewards: curveChart('DPO rewards', input.rewardCurves, 'reward') } : {}),
  };
  const svgs: Record<string, string> = {};
  const written: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const svg = await renderSvg(spec);
    svgs[name] = svg;
    fs.writeFileSync(path.join(chartDir, `${name}.svg`), svg);
    fs.writeFileSync(path.join(chartDir, `${name}.png`), await svgToPng(svg));
    written.push(`report/${name}.svg`, `report/${name}.png`);
  }
  fs.writeFileSync(path.join(runDir, 'report.md'), markdown(input, Object.keys(specs)));
  fs.writeFileSync(path.join(runDir, 'report.html'), html(input, svgs));
  return [...written, 'report.md', 'report.html'];
}
