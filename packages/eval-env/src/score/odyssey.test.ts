import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreCoordsFile } from './coords.js';
import { scoreOdysseyFile } from './odyssey-ams.js';

async function jsonl(records: unknown[], raw: string[] = []): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'odyssey-'));
  const file = path.join(dir, 'predictions.jsonl');
  await writeFile(file, [...records.map((r) => JSON.stringify(r)), ...raw].join('\n'));
  return file;
}

const step = (episode: string, category: string, gt: string, pred: string, extra: object = {}) => ({
  episode_id: episode,
  category,
  gt,
  pred,
  ...extra,
});

describe('scoreOdysseyFile', () => {
  // General_Tool: e1 2/2 right; e2 2/3 right -> AMS 4/5 = 80, SR 1/2 = 50.
  // Web_Shopping: e3 3/3 right; e4 declares 2 steps, has 1 (right) -> AMS 4/4 = 100, SR 1/1 (e4 left out).
  const records = [
    step('e1', 'General_Tool', 'CLICK: (100, 100)', 'CLICK: (110, 120)'),
    step('e1', 'General_Tool', 'COMPLETE', 'COMPLETE'),
    step('e2', 'General_Tool', 'SCROLL: UP', 'SCROLL: UP'),
    step('e2', 'General_Tool', 'TYPE: pizza', 'TYPE: pizzas'),
    step('e2', 'General_Tool', 'PRESS_BACK', 'PRESS_HOME'),
    step('e3', 'Web_Shopping', 'CLICK: (500, 500)', 'CLICK: (900, 900)', {
      sam2_bbox: [400, 400, 950, 950],
      step_length: 3,
    }),
    step('e3', 'Web_Shopping', 'LONG_PRESS: (10, 10)', 'LONG_PRESS: (10, 10)', { step_length: 3 }),
    step('e3', 'Web_Shopping', 'COMPLETE', 'COMPLETE', { step_length: 3 }),
    step('e4', 'Web_Shopping', 'PRESS_HOME', 'PRESS_HOME', { step_length: 2 }),
  ];

  it('random split: AMS and SR are means over the categories', async () => {
    const m = await scoreOdysseyFile(await jsonl(records), 'random');
    expect(m.byCategory).toEqual({
      General_Tool: { AMS: 80, SR: 50, steps: 5, episodes: 2 },
      Web_Shopping: { AMS: 100, SR: 100, steps: 4, episodes: 1 },
    });
    expect(m).toMatchObject({
      averaging: 'category-mean',
      AMS: 90,
      SR: 75,
      count: 9,
      episodes: 4,
      incompleteEpisodes: 1,
    });
    expect(m.actionType).toEqual({ count: 9, correct: 8, accuracy: 88.89 });
    expect(m.text).toEqual({ count: 1, correct: 1, accuracy: 100 });
    expect(m.byActionType.PRESS_BACK).toEqual({ count: 1, correct: 0, accuracy: 0 });
  });

  it('other splits: pooled over all steps and episodes', async () => {
    const m = await scoreOdysseyFile(await jsonl(records), 'task');
    // 8 of 9 steps; episodes e1, e3 of e1, e2, e3 (e4 incomplete).
    expect(m).toMatchObject({ averaging: 'pooled', AMS: 88.89, SR: 66.67 });
  });

  it('reads the published evaluator records (episode from the screenshot name)', async () => {
    const published = (img: string, gt: string, pred: string) => ({
      question: `Picture 1: <img>/data/screenshots/${img}</img>\nI'm looking for guidance on how to buy milk`,
      gt,
      pred,
      more_info: { category: 'Web_Shopping', step_length: 2, sam2_bbox: null },
    });
    const m = await scoreOdysseyFile(
      await jsonl([
        published('8329_ab_0.png', 'CLICK: (1, 1)', 'CLICK: (2, 2)'),
        published('8329_ab_1.png', 'COMPLETE', 'COMPLETE'),
      ]),
      'app',
    );
    expect(m).toMatchObject({ AMS: 100, SR: 100, episodes: 1, incompleteEpisodes: 0 });
  });

  it('names the line of a bad record or a ground truth outside the grammar', async () => {
    const ok = step('e1', 'General_Tool', 'COMPLETE', 'COMPLETE');
    let file = await jsonl([ok, step('e1', 'General_Tool', 'FLY: (1, 2)', 'COMPLETE')]);
    await expect(scoreOdysseyFile(file, 'random')).rejects.toThrow(
      `${file}: line 2: gt: "FLY: (1, 2)" is not a GUI-Odyssey action string`,
    );
    file = await jsonl([ok, ok, { episode_id: 'e1', gt: 'COMPLETE', pred: 'COMPLETE' }]);
    await expect(scoreOdysseyFile(file, 'random')).rejects.toThrow(`${file}: line 3: category: Invalid input`);
    file = await jsonl([ok], ['not json']);
    await expect(scoreOdysseyFile(file, 'random')).rejects.toThrow(
      `${file}: line 2: not valid JSON at column 1: expected a value (object, array, string, number, true, false or null), found "n"`,
    );
    file = await jsonl([], ['[{"episode_id": "e1", "category": "A",', '  "gt": "COMPLETE" "pred": "COMPLETE"}]']);
    await expect(scoreOdysseyFile(file, 'random')).rejects.toThrow(
      `${file}: not valid JSON at line 2, column 20: expected ',' or '}' after the value of "gt", found "\\""`,
    );
  });
});

describe('scoreCoordsFile', () => {
  it('scores {prompt, chosen, pred} records by type and radius/box', async () => {
    const prompt = '<image>\nUser: Open the settings\nModel:';
    const file = await jsonl([
      { prompt, chosen: 'CLICK: (250, 400)', rejected: 'CLICK: (243, 391)', pred: 'CLICK: (247, 398)' },
      { prompt, chosen: 'CLICK: (250, 400)', pred: 'CLICK: (600, 400)' },
      { prompt, chosen: 'CLICK: (250, 400)', pred: 'CLICK: (600, 400)', sam2_bbox: [200, 350, 650, 450] },
      { prompt, chosen: 'TYPE: hello', pred: 'CLICK: (1, 1)' },
      { prompt, chosen: 'SCROLL: DOWN', pred: 'SCROLL: DOWN' },
      { prompt, chosen: 'CLICK: (1, 1)', pred: 'Sure! I would click.' },
    ]);
    const m = await scoreCoordsFile(file);
    expect(m.overall).toEqual({ count: 6, correct: 3, accuracy: 50 });
    expect(m.points).toEqual({ count: 4, correct: 2, accuracy: 50 });
    expect(m.byActionType.SCROLL).toEqual({ count: 1, correct: 1, accuracy: 100 });
    expect(m.unparseable).toBe(1);
  });

  it('rejects a chosen action outside the grammar, naming the line', async () => {
    const file = await jsonl([{ prompt: 'p', chosen: 'click here', pred: 'CLICK: (1, 1)' }]);
    await expect(scoreCoordsFile(file)).rejects.toThrow(
      `${file}: line 1: chosen: "click here" is not a GUI-Odyssey action string`,
    );
  });

  it('rejects a sam2_bbox off the 0..1000 scale or inverted', async () => {
    const file = await jsonl([
      { prompt: 'p', chosen: 'CLICK: (250, 400)', pred: 'CLICK: (250, 400)', sam2_bbox: [200, 350, 650, 450] },
      { prompt: 'p', chosen: 'CLICK: (250, 400)', pred: 'CLICK: (250, 400)', sam2_bbox: [0.2, 0.35, 0.65, -0.1] },
    ]);
    await expect(scoreCoordsFile(file)).rejects.toThrow(
      `${file}: line 2: sam2_bbox: expected [x1, y1, x2, y2] on the 0..1000 scale with x1 <= x2 and y1 <= y2, got [0.2,0.35,0.65,-0.1]`,
    );
  });
});
