/**
 * The report's charts as Vega-Lite specs rendered to SVG in Node (no browser, no canvas), and to
 * PNG through sharp for viewers that do not show SVG: loss curves of every training stage, DPO's
 * reward curves, and accuracy bars per stage with their 95% intervals.
 */
import sharp from 'sharp';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { StageTableView } from './stage-table.js';

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

/** Grouped bars: each metric, one bar per stage, with its Wilson interval as an error bar. */
export function accuracyBars(view: Pick<StageTableView, 'stages' | 'bars' | 'barOrder'>): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Accuracy by stage (95% Wilson intervals)',
    data: { values: view.bars },
    facet: {
      column: {
        field: 'metric',
        type: 'nominal',
        title: null,
        sort: view.barOrder,
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
            x: { field: 'stage', type: 'nominal', title: null, sort: view.stages },
            y: { field: 'value', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
            color: { field: 'stage', type: 'nominal', legend: null },
          },
        },
        {
          mark: 'rule',
          encoding: {
            x: { field: 'stage', type: 'nominal', sort: view.stages },
            y: { field: 'lo', type: 'quantitative' },
            y2: { field: 'hi' },
          },
        },
      ],
    },
  } as TopLevelSpec;
}
