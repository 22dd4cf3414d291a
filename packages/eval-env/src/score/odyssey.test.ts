import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreCoordsFile } from './coords.js';
import { odysseyPredictionSchema, scoreOdysseyFile, scoreOdysseyStep } from './odyssey-ams.js';
import { readRecords } from './records.js';

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

/** Official-format prediction files (test-fixtures/odyssey/predictions), scored by hand below. */
const predictions = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'test-fixtures',
  'odyssey',
  'predictions',
);
const pooledSample = path.join(predictions, 'official-sample-pooled.json');
const randomSample = path.join(predictions, 'official-sample-random.json');

describe("scoreOdysseyFile on the official evaluator's own files", () => {
  // Each record's verdict by the official rules (evaluate_GUIOdyssey.py + GUIOdyssey_action_matching.py).
  const pooledVerdicts = [
    // ep_shop_01 (Web_Shopping): every step right.
    'click_correct', // "CLICK: 250, 400": eval gives the tuple (250, 400)
    'type_correct',
    'scroll_correct', // "up" vs "UP": compared lower-cased
    'action_correct', // "PRESS_BACK: now": the argument of PRESS_BACK is ignored
    'click_correct', // "[512, 300]" inside [480, 280, 540, 320]
    'action_correct',
    // ep_tool_02 (General_Tool)
    'action_fail', // "press_home": names are case-sensitive
    'action_fail', // "Click"
    'type_correct', // "10:30 meeting" and "10:45 call" both read as "10"
    'scroll_correct',
    'action_correct',
    // ep_multi_03 (Multi_Apps)
    'invalid', // a CLICK ground truth with sam2_bbox [] raises
    'type_fail', // ab😀 / xy😀: 2 edits of 3 code points
    'click_correct',
    'action_correct',
    'action_correct',
    // ep_social_04 (Social_Sharing)
    'click_fail', // (640.4, 500) is 140.4 from (500, 500), outside its box
    'click_correct', // (900, 200) on the box's corner
    'type_correct', // bare "TYPE" types "", contained in "hello"
    'scroll_correct',
    'action_correct',
    // ep_media_05 (Media_Entertainment)
    'invalid', // "(700, 300)\nThe play button" is a SyntaxError
    'click_correct', // "# play" is a comment
    'action_correct',
    'type_correct', // jazz / Jazz: 1 - 1/4
    'action_correct',
  ];

  it('matches every step like the official code', async () => {
    const records = await readRecords(pooledSample, odysseyPredictionSchema);
    expect(records.map((r) => scoreOdysseyStep(r.value, r.where, pooledSample).verdict)).toEqual(pooledVerdicts);
  });

  it('pooled split: AMS 20/26 = 76.92, SR 1/5 = 20, action type 24/26, text 4/5 (the official figures)', async () => {
    const m = await scoreOdysseyFile(pooledSample, 'task');
    expect(m).toMatchObject({ averaging: 'pooled', AMS: 76.92, SR: 20, count: 26, episodes: 5, incompleteEpisodes: 0 });
    // Invalid steps count as the right type (only action_fail is wrong).
    expect(m.actionType).toEqual({ count: 26, correct: 24, accuracy: 92.31 });
    expect(m.text).toEqual({ count: 5, correct: 4, accuracy: 80 });
    expect(m.invalid).toBe(2);
    expect(m.warnings).toEqual([
      'item 11 (episode ep_multi_03, step 0): the ground truth CLICK has an empty sam2_bbox; the official evaluator raises on it, so the step is scored invalid',
    ]);
  });

  it('reads the file the official evaluator leaves ({dataset, model, metrics: {info, pred}})', async () => {
    const records = JSON.parse(await readFile(pooledSample, 'utf8'));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'odyssey-'));
    const file = path.join(dir, 'OdysseyAgent_high_task_split.json');
    const scored = records.map((r: object, i: number) => ({ ...r, is_correct: 'no', info: pooledVerdicts[i] }));
    const info = { AMS: 76.92, SR: 20.0, total: 26 };
    await writeFile(
      file,
      JSON.stringify({ dataset: 'high_task_split', model: 'OdysseyAgent', metrics: { info, pred: scored } }, null, 4),
    );
    const m = await scoreOdysseyFile(file, 'task');
    expect(m).toMatchObject({ AMS: 76.92, SR: 20, count: 26 });
  });

  it('random split with fewer than 6 categories: the mean over those present, and a warning', async () => {
    const m = await scoreOdysseyFile(pooledSample, 'random');
    // Per category: 6/6, 3/5, 3/5, 4/5, 4/5 steps; only ep_shop_01 succeeds.
    expect(m.byCategory).toEqual({
      Web_Shopping: { AMS: 100, SR: 100, steps: 6, correct: 6, episodes: 1, successes: 1 },
      General_Tool: { AMS: 60, SR: 0, steps: 5, correct: 3, episodes: 1, successes: 0 },
      Multi_Apps: { AMS: 60, SR: 0, steps: 5, correct: 3, episodes: 1, successes: 0 },
      Social_Sharing: { AMS: 80, SR: 0, steps: 5, correct: 4, episodes: 1, successes: 0 },
      Media_Entertainment: { AMS: 80, SR: 0, steps: 5, correct: 4, episodes: 1, successes: 0 },
    });
    expect(m).toMatchObject({ averaging: 'category-mean', AMS: 76, SR: 20 });
    expect(m.warnings).toContain(
      'random split: AMS and SR are means over the 5 categories present (Web_Shopping, General_Tool, Multi_Apps, Social_Sharing, Media_Entertainment); the official evaluator requires all 6 and stops otherwise (missing: Information_Management)',
    );
  });

  it('random split with all 6: category means rounded as numpy rounds, failed categories counted as 0', async () => {
    const m = await scoreOdysseyFile(randomSample, 'random');
    expect(m.byCategory).toEqual({
      Web_Shopping: { AMS: 66.67, SR: 66.67, steps: 3, correct: 2, episodes: 3, successes: 2 }, // 2 of 3 one-step episodes
      General_Tool: { AMS: 50, SR: 0, steps: 2, correct: 1, episodes: 1, successes: 0 }, // "TYPE: 6:30" and "TYPE: 6" both read "6"
      Multi_Apps: { AMS: 0, SR: 0, steps: 1, correct: 0, episodes: 1, successes: 0 },
      // r_info_1 declares 2 steps and has 1 record: no complete episode, SR 0 (not left out of the mean).
      Information_Management: { AMS: 0, SR: 0, steps: 1, correct: 0, episodes: 0, successes: 0 },
      Media_Entertainment: { AMS: 0, SR: 0, steps: 1, correct: 0, episodes: 1, successes: 0 },
      Social_Sharing: { AMS: 0, SR: 0, steps: 1, correct: 0, episodes: 1, successes: 0 },
    });
    // AMS: np.mean = 116.67 / 6 = 19.445, and np.round(19.445, 2) = 19.44 (19.445 * 100 = 1944.4999...);
    // SR: 66.67 / 6 = 11.1116... -> 11.11.
    expect(m).toMatchObject({ AMS: 19.44, SR: 11.11, count: 9, episodes: 8, incompleteEpisodes: 1, warnings: [] });
    // action_fail: COMPLETE -> IMPOSSIBLE and "HOME"; the unclosed "(500, 500" is invalid, which counts as the right type.
    expect(m.actionType).toEqual({ count: 9, correct: 7, accuracy: 77.78 });
    expect(m.text).toEqual({ count: 1, correct: 1, accuracy: 100 });
    expect(m.invalid).toBe(1);
  });
});

describe("scoreOdysseyFile on guinav's per-step records", () => {
  // General_Tool: e1 2/2 right; e2 2/3 right -> AMS 4/5 = 80, SR 1/2 = 50.
  // Web_Shopping: e3 3/3 right; e4 declares 2 steps, has 1 (right) -> AMS 4/4 = 100, SR 1/1 (e4 left out).
  const records = [
    step('e1', 'General_Tool', 'CLICK: (100, 100)', 'CLICK: (110, 120)'),
    step('e1', 'General_Tool', 'COMPLETE', 'COMPLETE', { sam2_bbox: [] }),
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
      General_Tool: { AMS: 80, SR: 50, steps: 5, correct: 4, episodes: 2, successes: 1 },
      Web_Shopping: { AMS: 100, SR: 100, steps: 4, correct: 4, episodes: 1, successes: 1 },
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
    expect(m.warnings).toHaveLength(1);
  });

  it('other splits: pooled over all steps and episodes', async () => {
    const m = await scoreOdysseyFile(await jsonl(records), 'task');
    // 8 of 9 steps; episodes e1, e3 of e1, e2, e3 (e4 incomplete).
    expect(m).toMatchObject({ averaging: 'pooled', AMS: 88.89, SR: 66.67, warnings: [] });
  });

  it('names the line of a bad record or a ground truth outside the grammar', async () => {
    const ok = step('e1', 'General_Tool', 'COMPLETE', 'COMPLETE');
    let file = await jsonl([ok, step('e1', 'General_Tool', 'FLY: (1, 2)', 'COMPLETE')]);
    await expect(scoreOdysseyFile(file, 'random')).rejects.toThrow(
      `${file}: line 2: gt: "FLY: (1, 2)" is not a GUI-Odyssey action string`,
    );
    file = await jsonl([ok, ok, { episode_id: 'e1', gt: 'COMPLETE', pred: 'COMPLETE' }]);
    await expect(scoreOdysseyFile(file, 'random')).rejects.toThrow(`${file}: line 3: category: Invalid input`);
    file = await jsonl([{ ...ok, sam2_bbox: [1, 2, 3] }]);
    await expect(scoreOdysseyFile(file, 'random')).rejects.toThrow(
      `${file}: line 1: sam2_bbox: expected [x1, y1, x2, y2] on the 0..1000 scale with x1 <= x2 and y1 <= y2, or [], got [1,2,3]`,
    );
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
      { prompt, chosen: 'CLICK: (1, 1)', pred: 'CLICK: the blue button' },
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
      `${file}: line 2: sam2_bbox: expected [x1, y1, x2, y2] on the 0..1000 scale with x1 <= x2 and y1 <= y2, or [], got [0.2,0.35,0.65,-0.1]`,
    );
  });
});
