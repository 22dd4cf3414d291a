/**
 * The report's charts as Vega-Lite specs rendered to SVG in Node (no browser, no canvas), and to
 * PNG through sharp for viewers that do not show SVG: loss curves of every training stage, DPO's
 * reward curves, and accuracy bars per stage with their 95% intervals.
 */
import sharp from 'sharp';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { StageSummary } from '../summary.js';

export interface CurvePoint {
  stage: string;
  step: number;
  series: string;
  value: number;
}

const WIDTH = 520;
const HEIGHT = 240;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
}

/** One line per (stage, series): training loss, eval loss, and whatever else the points carry. */
export function curveChart(title: string, points: readonly CurvePoint[], yTitle: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points.map((p) => ({ ...p, line: `${p.stage} ${p.series}` })) },
    mark: { type: 'line', point: points.length < 60 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'line', type: 'nominal', title: null },
    },
  };
}

const BAR_METRICS: [keyof StageSummary & string, string][] = [
  ['staticStepAccuracy', 'step, in dist.'],
  ['oodStaticStepAccuracy', 'step, test'],
  ['taskAccuracy', 'task, test'],
];
const PASS_LABEL = 'Pass@1, test';

/** Grouped bars: each metric, one bar per stage, with its Wilson interval as an error bar. */
export function accuracyBars(stages: Readonly<Record<string, StageSummary>>): TopLevelSpec {
  const rows: Record<string, unknown>[] = [];
  for (const [stage, s] of Object.entries(stages)) {
    const push = (metric: string, value: number | null | undefined, ci: [number, number] | null | undefined) => {
      if (value === null || value === undefined) return;
      rows.push({ stage, metric, value, lo: ci?.[0] ?? value, hi: ci?.[1] ?? value });
    };
    for (const [key, label] of BAR_METRICS)
      push(label, s[key] as number | null, s.ci95[key] as [number, number] | null);
    const passCi = s.ci95.interactivePass1 as Record<string, [number, number] | null>;
    push(PASS_LABEL, s.interactivePass1.all, passCi.all);
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Accuracy by stage (95% Wilson intervals)',
    data: { values: rows },
    facet: {
      column: {
        field: 'metric',
        type: 'nominal',
        title: null,
        sort: [...BAR_METRICS.map(([, label]) => label), PASS_LABEL],
        header: { labelFontSize: 12 },
      },
    },
    spec: {
      width: 150,
      height: HEIGHT,
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: { field: 'stage', type: 'nominal', title: null, sort: Object.keys(stages) },
            y: { field: 'value', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
            color: { field: 'stage', type: 'nominal', legend: null },
          },
        },
        {
          mark: 'rule',
          encoding: {
            x: { field: 'stage', type: 'nominal', sort: Object.keys(stages) },
            y: { field: 'lo', type: 'quantitative' },
            y2: { field: 'hi' },
          },
        },
      ],
    },
  } as TopLevelSpec;
}
