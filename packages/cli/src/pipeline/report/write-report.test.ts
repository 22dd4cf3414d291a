import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { StageSummary } from '../summary.js';
import { GELAB_TABLE } from './gelab-table.js';
import { tableView } from './stage-table.js';
import { writeReport } from './write-report.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-report-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function stage(step: number, pass: number): StageSummary {
  return {
    staticStepAccuracy: step,
    oodStaticStepAccuracy: step / 2,
    taskAccuracy: step / 4,
    interactivePass1: { all: pass, '1': pass * 2 },
    coordinateError: 120.5,
    oodCoordinateError: 210.25,
    seconds: 42,
    oodStaticBuckets: { edge: step, complete: 1 },
    ci95: {
      staticStepAccuracy: [step - 0.1, step + 0.05],
      oodStaticStepAccuracy: null,
      taskAccuracy: null,
      interactivePass1: { all: [0, pass + 0.1], '1': null },
      oodStaticBuckets: { edge: null, complete: null },
    },
    counts: {},
  };
}

describe('writeReport', () => {
  it('writes report.md, report.html and the charts as SVG and decodable PNG', async () => {
    const replay = path.join(dir, 'replays', 'sft-0.png');
    fs.mkdirSync(path.dirname(replay), { recursive: true });
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .png()
      .toFile(replay);
    const files = await writeReport(dir, {
      title: 'guinav pipeline',
      createdAt: '2026-11-30 10:00 UTC',
      facts: ['machine: 2 cores'],
      table: tableView(GELAB_TABLE, { base: stage(0.1, 0), sft: stage(0.9, 0.5) }),
      lossCurves: [
        { stage: 'sft', step: 1, series: 'loss', value: 3 },
        { stage: 'sft', step: 2, series: 'loss', value: 1 },
      ],
      rewardCurves: [],
      replays: [{ stage: 'sft', task: 'From page_0 to page_21', success: true, file: 'replays/sft-0.png' }],
    });
    expect(files).toEqual([
      'report/accuracy.svg',
      'report/accuracy.png',
      'report/loss.svg',
      'report/loss.png',
      'report.md',
      'report.html',
    ]);
    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(md).toContain('| metric | base | sft |');
    expect(md).toContain('| static step accuracy (in distribution) | 10.0% [0.0, 15.0] | 90.0% [80.0, 95.0] |');
    expect(md).toContain('| interactive Pass@1 | 0.0% [0.0, 10.0] | 50.0% [0.0, 60.0] |');
    expect(md).toContain('![loss](report/loss.png)');
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect(html).toContain('<img src="replays/sft-0.png"');
    const png = await sharp(path.join(dir, 'report', 'loss.png')).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBeGreaterThan(500);
  });
});
