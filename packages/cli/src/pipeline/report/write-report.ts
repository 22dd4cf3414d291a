/**
 * report.md and report.html of a pipeline run: the stage table (the dataset's measurements per
 * stage, from its table spec), the loss / reward curves and accuracy bars, and episode replays.
 * Charts are written as SVG (embedded in the HTML) and PNG (linked from the Markdown).
 */
import fs from 'node:fs';
import path from 'node:path';
import { accuracyBars, type CurvePoint, curveChart, renderSvg, svgToPng } from './charts.js';
import type { StageTableView } from './stage-table.js';

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
  /** The results table and bars (the dataset's table spec applied to the stages' summaries). */
  table: StageTableView;
  lossCurves: readonly CurvePoint[];
  rewardCurves: readonly CurvePoint[];
  /** GRPO's rewards per step (absent or empty: no RL stage, no chart). */
  rlCurves?: readonly CurvePoint[];
  /** null: the dataset has no episodes to replay (the section is left out). */
  replays: readonly ReplayEntry[] | null;
}

function markdown(input: ReportInput, charts: string[]): string {
  const names = input.table.stages;
  const rows = input.table.rows;
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
    ...(input.replays === null ? [] : ['## Episode replays', '']),
    ...(input.replays ?? []).flatMap((r) => [
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
  const names = input.table.stages;
  const rows = input.table.rows;
  const table = [
    `<tr><th>metric</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>`,
    ...rows.map(
      (r) => `<tr>${r.map((c, i) => (i === 0 ? `<td>${esc(c)}</td>` : `<td class="n">${esc(c)}</td>`)).join('')}</tr>`,
    ),
  ].join('\n');
  const replays = (input.replays ?? [])
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
${input.replays === null ? '' : `<h2>Episode replays</h2>\n${replays}\n`}</body></html>
`;
}

/** Writes report/ (charts), report.md and report.html into `runDir`; returns the files written. */
export async function writeReport(runDir: string, input: ReportInput): Promise<string[]> {
  const chartDir = path.join(runDir, 'report');
  fs.mkdirSync(chartDir, { recursive: true });
  const specs = {
    accuracy: accuracyBars(input.table),
    ...(input.lossCurves.length ? { loss: curveChart('Training loss', input.lossCurves, 'loss') } : {}),
    ...(input.rewardCurves.length ? { rewards: curveChart('DPO rewards', input.rewardCurves, 'reward') } : {}),
    ...(input.rlCurves?.length
      ? { rl: curveChart('GRPO rewards (mean of the sampled rollouts)', input.rlCurves, 'reward') }
      : {}),
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
