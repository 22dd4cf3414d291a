import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NormBbox } from '@guinav/data-gen';
import { describe, expect, it } from 'vitest';
import { gelabStepCorrect, scoreGelabFile } from './gelab-static.js';

// Hand-written strings in GE-Lab's format; the box is Hotel_3's normalised box.
const BOX: NormBbox = [207, 222, 377, 300];
const click = (icon: string, x: number | string, y: number | string, page = 'page_7') =>
  `Explain:click ${icon} icon on ${page}.\tAction: click(start_box='<|box_start|>(${x},${y})<|box_end|>')`;
const GT = click('Hotel_3', 300, 260);
const COMPLETE = 'Explain: this is target page.\tAction: complete';

describe('gelabStepCorrect (published rules)', () => {
  it('accepts the right icon with a point inside the box', () => {
    expect(gelabStepCorrect(GT, click('Hotel_3', 250, 230), BOX)).toBe(true);
  });

  it('includes every edge of the box and nothing beyond', () => {
    expect(gelabStepCorrect(GT, click('Hotel_3', 207, 222), BOX)).toBe(true);
    expect(gelabStepCorrect(GT, click('Hotel_3', 377, 300), BOX)).toBe(true);
    expect(gelabStepCorrect(GT, click('Hotel_3', 207, 300), BOX)).toBe(true);
    expect(gelabStepCorrect(GT, click('Hotel_3', 206, 260), BOX)).toBe(false);
    expect(gelabStepCorrect(GT, click('Hotel_3', 378, 260), BOX)).toBe(false);
    expect(gelabStepCorrect(GT, click('Hotel_3', 300, 221), BOX)).toBe(false);
    expect(gelabStepCorrect(GT, click('Hotel_3', 300, 301), BOX)).toBe(false);
  });

  it('needs the same icon name (case-sensitive) even when the point is right', () => {
    expect(gelabStepCorrect(GT, click('Hotel_4', 300, 260), BOX)).toBe(false);
    expect(gelabStepCorrect(GT, click('hotel_3', 300, 260), BOX)).toBe(false);
    expect(gelabStepCorrect(GT, click('home', 300, 260), BOX)).toBe(false);
  });

  it('tolerates extra spaces around the icon name', () => {
    expect(gelabStepCorrect(GT, 'click  Hotel_3   icon on page_7 (300,260)', BOX)).toBe(true);
  });

  it('rejects the right icon with a point outside', () => {
    expect(gelabStepCorrect(GT, click('Hotel_3', 600, 260), BOX)).toBe(false);
  });

  it('scores only the text after the last </think>', () => {
    const wrongThenRight = `<think>maybe click Hotel_4 icon (600,600)</think>${click('Hotel_3', 300, 260)}`;
    expect(gelabStepCorrect(GT, wrongThenRight, BOX)).toBe(true);
    const rightThenWrong = `<think>${click('Hotel_3', 300, 260)}</think>${click('Hotel_4', 600, 600)}`;
    expect(gelabStepCorrect(GT, rightThenWrong, BOX)).toBe(false);
    const twoThinks = `<think>a</think>${click('Hotel_3', 300, 260)}</think>unparseable`;
    expect(gelabStepCorrect(GT, twoThinks, BOX)).toBe(false);
  });

  it('takes the FIRST (x,y) of the prediction and allows no spaces inside it', () => {
    expect(gelabStepCorrect(GT, click('Hotel_3', ' 300', 260), BOX)).toBe(false);
    expect(gelabStepCorrect(GT, click('Hotel_3', 300, ' 260'), BOX)).toBe(false);
    expect(gelabStepCorrect(GT, `Explain:click Hotel_3 icon at (10,10).\tAction: click((300,260))`, BOX)).toBe(false);
    // A spaced tuple is skipped; a later unspaced one is still "the first match".
    expect(gelabStepCorrect(GT, `click Hotel_3 icon (1, 1) then (300,260)`, BOX)).toBe(true);
  });

  it('scores complete by substring in both texts', () => {
    expect(gelabStepCorrect(COMPLETE, COMPLETE, null)).toBe(true);
    expect(gelabStepCorrect(COMPLETE, 'we are done: complete', null)).toBe(true);
    expect(gelabStepCorrect(COMPLETE, 'Explain: this is target page.\tAction: Complete', null)).toBe(false);
    expect(gelabStepCorrect(COMPLETE, click('Hotel_3', 300, 260), null)).toBe(false);
    expect(gelabStepCorrect(GT, COMPLETE, BOX)).toBe(false);
    // The published substring test: an icon whose name contains "complete" is matched by any complete.
    const quirky = click('Task_complete_3', 300, 260);
    expect(gelabStepCorrect(quirky, COMPLETE, BOX)).toBe(true);
  });

  it('scores unparseable output as wrong', () => {
    expect(gelabStepCorrect(GT, '', BOX)).toBe(false);
    expect(gelabStepCorrect(GT, 'I cannot help with that.', BOX)).toBe(false);
    expect(gelabStepCorrect(GT, 'Explain:click Hotel_3 icon on page_7.\tAction: click(start_box=)', BOX)).toBe(false);
  });
});

async function predictionsFile(lines: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gelab-static-'));
  const file = path.join(dir, 'predictions.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

const prompt = (from: string, to: string, history: string) =>
  `<image>Instruction: from ${from} to ${to}. History: ${history}`;
const record = (r: Record<string, unknown>) => JSON.stringify(r);

describe('scoreGelabFile', () => {
  it('reports overall, buckets, path lengths and task level as published', async () => {
    const A = 'From page_1 to page_3';
    const B = 'From page_3 to page_0';
    const C = 'From page_2 to page_9';
    const h1 = 'step1: click Hotel_3 icon on page_1.';
    const file = await predictionsFile([
      // Task A, path 2: all three steps right.
      record({
        idx: 0,
        prompt: prompt('page_1', 'page_3', 'Null'),
        gt: click('Hotel_3', 300, 260, 'page_1'),
        pred: click('Hotel_3', 210, 299, 'page_1'),
        path: 2,
        task: A,
        bbox_norm: BOX,
      }),
      record({
        idx: 1,
        prompt: prompt('page_1', 'page_3', h1),
        gt: click('Bank_5', 500, 500, 'page_2'),
        pred: click('Bank_5', 500, 500, 'page_2'),
        path: 2,
        task: A,
        bbox_norm: [450, 450, 550, 550],
      }),
      record({
        idx: 2,
        prompt: prompt('page_1', 'page_3', `${h1}step2: click Bank_5 icon on page_2.`),
        gt: COMPLETE,
        pred: COMPLETE,
        path: 2,
        task: A,
        bbox_norm: null,
      }),
      // Task B, path 1: first step wrong (wrong icon), complete right.
      record({
        idx: 3,
        prompt: prompt('page_3', 'page_0', 'Null'),
        gt: click('home', 864, 62, 'page_3'),
        pred: click('back', 864, 62, 'page_3'),
        path: 1,
        task: B,
        bbox_norm: [779, 23, 949, 102],
      }),
      record({
        idx: 4,
        prompt: prompt('page_3', 'page_0', 'step1: click home icon on page_3.'),
        gt: COMPLETE,
        pred: `<think>done</think>${COMPLETE}`,
        path: 1,
        task: B,
      }),
      // Task C, path 2, truncated: two right steps of three.
      record({
        idx: 5,
        prompt: prompt('page_2', 'page_9', 'Null'),
        gt: GT,
        pred: GT,
        path: 2,
        task: C,
        bbox_norm: BOX,
      }),
      record({
        idx: 6,
        prompt: prompt('page_2', 'page_9', 'step1: x'),
        gt: GT,
        pred: GT,
        path: 2,
        task: C,
        bbox_norm: BOX,
      }),
      '',
      // Icon captioning is reported apart.
      record({
        idx: 7,
        prompt: '<image>What is the icon at point (300, 260) in the image?',
        gt: 'Hotel_3',
        pred: 'Hotel_3',
        path: 0,
        task: 'caption',
      }),
    ]);
    const m = await scoreGelabFile(file);
    expect(m.count).toBe(7);
    expect(m.overall).toEqual({ count: 7, correct: 6, accuracy: 85.71 });
    expect(m.buckets).toEqual({
      edge: { count: 3, correct: 2, accuracy: 66.67 },
      complete: { count: 2, correct: 2, accuracy: 100 },
      'w/o': { count: 2, correct: 2, accuracy: 100 },
    });
    expect(m.byPathLength['Path@1']).toEqual({ count: 2, correct: 1, accuracy: 50 });
    expect(m.byPathLength['Path@2']).toEqual({ count: 5, correct: 5, accuracy: 100 });
    expect(m.byPathLength['Path@7']).toEqual({ count: 0, correct: 0, accuracy: null });
    expect(m.taskLevel.overall).toEqual({ count: 3, correct: 1, accuracy: 33.33 });
    expect(m.taskLevel.byPathLength['Path@2']).toEqual({ count: 2, correct: 1, accuracy: 50 });
    expect(m.taskLevel.incomplete).toBe(1);
    // The caption record is counted apart (its ground truth has no click, so it scores 0 by the published rule).
    expect(m.iconTasks?.captioning).toEqual({ count: 1, correct: 0, accuracy: 0 });
    expect(Object.keys(m)).toEqual(['count', 'overall', 'buckets', 'byPathLength', 'taskLevel', 'iconTasks']);
  });

  it('reads test.json records with messages and a prediction field', async () => {
    const file = await predictionsFile([
      record({
        idx: 0,
        path: 1,
        task: 'From page_3 to page_0',
        messages: [
          { role: 'user', content: prompt('page_3', 'page_0', 'Null') },
          { role: 'assistant', content: GT },
        ],
        images: ['page_3.png'],
        bbox_norm: BOX,
        prediction: GT,
      }),
    ]);
    const m = await scoreGelabFile(file);
    expect(m.buckets.edge).toEqual({ count: 1, correct: 1, accuracy: 100 });
    expect(m.iconTasks).toBeUndefined();
  });

  it('names the line of a malformed record', async () => {
    const good = record({ prompt: 'p', gt: COMPLETE, pred: COMPLETE, path: 1, task: 't' });
    await predictionsFile([good, '{"prompt": "p", "gt": "x"']).then((file) =>
      expect(scoreGelabFile(file)).rejects.toThrow(new RegExp(`${file}: line 2: not valid JSON`)),
    );
    await predictionsFile([good, good, record({ prompt: 'p', gt: COMPLETE, path: 1, task: 't' })]).then((file) =>
      expect(scoreGelabFile(file)).rejects.toThrow(
        `${file}: line 3: pred: Invalid input: expected string, received undefined`,
      ),
    );
    await predictionsFile([record({ prompt: 'p', gt: GT, pred: GT, path: 1, task: 't' })]).then((file) =>
      expect(scoreGelabFile(file)).rejects.toThrow(`${file}: line 1: bbox_norm: the ground truth is a click`),
    );
    await predictionsFile([
      record({
        path: 1,
        task: 't',
        messages: [
          { role: 'user', content: 'p' },
          { role: 'assistant', content: GT },
        ],
      }),
    ]).then((file) =>
      expect(scoreGelabFile(file)).rejects.toThrow(`${file}: line 1: pred: needs "pred" or "prediction"`),
    );
    await predictionsFile([record({ prompt: 'p', gt: COMPLETE, pred: COMPLETE, task: 't' })]).then((file) =>
      expect(scoreGelabFile(file)).rejects.toThrow(`${file}: line 1: path: a navigation record needs its path length`),
    );
    await predictionsFile(['']).then((file) => expect(scoreGelabFile(file)).rejects.toThrow(/no prediction records/));
  });

  it('refuses boxes off the 0..1000 scale, text that is not UTF-8, and JSON nested thousands deep', async () => {
    // A box in pixels (the 1179 x 2556 canvas) would score every click as wrong without a word.
    await predictionsFile([
      record({ prompt: 'p', gt: GT, pred: GT, path: 1, task: 't', bbox_norm: [244, 568, 444, 768] }),
      record({ prompt: 'p', gt: GT, pred: GT, path: 1, task: 't', bbox_norm: [244, 568, 1444, 2768] }),
    ]).then((file) =>
      expect(scoreGelabFile(file)).rejects.toThrow(
        `${file}: line 2: bbox_norm: expected [x1, y1, x2, y2] on the 0..1000 scale with x1 <= x2 and y1 <= y2, got [244,568,1444,2768]`,
      ),
    );
    await predictionsFile([
      record({ prompt: 'p', gt: GT, pred: GT, path: 1, task: 't', bbox_norm: [377, 222, 207, 300] }),
    ]).then((file) =>
      expect(scoreGelabFile(file)).rejects.toThrow(/line 1: bbox_norm: expected .* got \[377,222,207,300\]/),
    );
    const latin1 = path.join(await mkdtemp(path.join(os.tmpdir(), 'gelab-static-')), 'latin1.jsonl');
    await writeFile(
      latin1,
      Buffer.from(`${record({ prompt: 'Café', gt: COMPLETE, pred: COMPLETE, path: 1, task: 't' })}\n`, 'latin1'),
    );
    await expect(scoreGelabFile(latin1)).rejects.toThrow(`${latin1}: not valid UTF-8 at line 1, column 15 (byte 14)`);
    await predictionsFile([`{"prompt": ${'['.repeat(5000)}${']'.repeat(5000)}}`]).then((file) =>
      expect(scoreGelabFile(file)).rejects.toThrow(
        `${file}: line 1: not valid JSON at column 523: nested deeper than 512 levels`,
      ),
    );
  });
});
