import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildGelabDatasets, gelabUserPrompt, jsonLinesText, loadWorld, screenElements } from '@guinav/data-gen';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';
import {
  LLAMA_FIXTURE as LLAMA,
  MINI_WORLD as MINI,
  ODYSSEY_FIXTURE as ODYSSEY,
  VLM_FIXTURE as VLM,
} from '../test-utils/fixtures.js';

const { guinav, interruptedOn, stdout, stderr } = cliHarness();
let dir = '';
let testJson = '';
let testRecords: { messages: { content: string }[]; images: string[]; bbox_norm: number[] }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-predict-'));
  const world = await loadWorld(path.join(MINI, 'ui_structure.json'));
  const data = buildGelabDatasets(world, { imageOf: (page) => path.join(MINI, 'images', `${page}.png`) });
  // Two whole tasks (every step), so task accuracy is defined: the first 5 records of the test subtree.
  testRecords = data.test.slice(0, 5);
  testJson = path.join(dir, 'test.json');
  await writeFile(testJson, JSON.stringify(testRecords));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const predict = (data: string, out: string, ...extra: string[]) =>
  guinav('predict', '--model', VLM, '--data', data, '--out', out, '--device', 'cpu', '--max-new-tokens', '6', ...extra);
const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('guinav predict', () => {
  it('answers GE-Lab test records in batches as infer answers each alone, in the layout eval static scores', async () => {
    const out = path.join(dir, 'gelab.jsonl');
    expect(await predict(testJson, out, '--batch-size', '2')).toBe(0);
    expect(stdout()).toContain(`score them: guinav eval static --format gelab --predictions ${out}`);
    const records = await lines(out);
    expect(records).toHaveLength(testRecords.length);
    for (const [i, r] of records.entries()) {
      const source = testRecords[i]!;
      expect(r).toMatchObject({
        prompt: source.messages[0]!.content,
        gt: source.messages[1]!.content,
        bbox_norm: source.bbox_norm,
        path: expect.any(Number),
        task: expect.stringMatching(/^From page_\d+ to page_\d+$/),
      });
      expect(typeof r.pred).toBe('string');
    }
    for (const i of [0, 3]) {
      vi.restoreAllMocks();
      const prompt = testRecords[i]!.messages[0]!.content;
      const image = testRecords[i]!.images[0]!;
      expect(await guinav('infer', '--model', VLM, '--image', image, '--prompt', prompt, '--max-new-tokens', '6')).toBe(
        0,
      );
      expect(records[i]!.pred).toBe(stdout());
    }
    vi.restoreAllMocks();
    const scores = path.join(dir, 'gelab-scores.json');
    expect(await guinav('eval', 'static', '--format', 'gelab', '--predictions', out, '--out', scores)).toBe(0);
    expect(JSON.parse(await readFile(scores, 'utf8'))).toMatchObject({ count: testRecords.length });
  });

  it('reads image paths relative to the dataset file, and RL records', async () => {
    const sub = path.join(dir, 'relative');
    const records = testRecords.slice(0, 2).map((r) => ({ ...r, images: [path.relative(sub, r.images[0]!)] }));
    await mkdir(sub);
    await writeFile(path.join(sub, 'test.jsonl'), jsonLinesText(records));
    const out = path.join(dir, 'relative.jsonl');
    expect(await predict(path.join(sub, 'test.jsonl'), out)).toBe(0);
    const rl = path.join(dir, 'rl.json');
    await writeFile(
      rl,
      JSON.stringify(
        testRecords.slice(0, 2).map((r, idx) => ({
          idx,
          image: r.images[0],
          problem: r.messages[0]!.content,
          solution: r.messages[1]!.content,
          bbox_norm: r.bbox_norm,
          path: 1,
          task: 'From page_1 to page_2',
        })),
      ),
    );
    const rlOut = path.join(dir, 'rl.jsonl');
    expect(await predict(rl, rlOut)).toBe(0);
    expect((await lines(rlOut)).map((r) => r.pred)).toEqual((await lines(out)).map((r) => r.pred));
  });

  it('answers GUI-Odyssey episodes of a split, for eval static --format odyssey', async () => {
    const out = path.join(dir, 'odyssey.jsonl');
    const split = path.join(ODYSSEY, 'splits', 'random_split.json');
    expect(await predict(ODYSSEY, out, '--split', split, '--batch-size', '8')).toBe(0);
    const testIds = (JSON.parse(await readFile(split, 'utf8')) as { test: string[] }).test.map((f) =>
      f.replace(/\.json$/, ''),
    );
    const records = await lines(out);
    const episodes = await Promise.all(
      testIds.map(async (id) => JSON.parse(await readFile(path.join(ODYSSEY, 'annotations', `${id}.json`), 'utf8'))),
    );
    expect(records).toHaveLength(episodes.reduce((n, e) => n + e.step_length, 0));
    expect(records[0]).toMatchObject({
      episode_id: testIds[0],
      step: 0,
      category: episodes[0].task_info.category,
      step_length: episodes[0].step_length,
      prompt: `<image>\nUser: ${episodes[0].task_info.instruction}\nModel:`,
    });
    const scores = path.join(dir, 'odyssey-scores.json');
    expect(
      await guinav('eval', 'static', '--format', 'odyssey', '--predictions', out, '--out', scores, '--split', 'task'),
    ).toBe(0);
  });

  it('answers GUI-Odyssey preference pairs once per distinct prompt, for eval static --format coords', async () => {
    const pairs = path.join(dir, 'pairs.jsonl');
    expect(await guinav('data', 'odyssey-dpo', '--episodes', ODYSSEY, '--out', pairs)).toBe(0);
    vi.restoreAllMocks();
    const out = path.join(dir, 'coords.jsonl');
    expect(await predict(pairs, out, '--batch-size', '32')).toBe(0);
    const records = await lines(out);
    const input = await lines(pairs);
    expect(records.map(({ pred: _, ...r }) => r)).toEqual(input);
    const byPrompt = new Map<string, Set<unknown>>();
    for (const r of records)
      byPrompt.set(`${r.prompt}${r.images}`, (byPrompt.get(`${r.prompt}${r.images}`) ?? new Set()).add(r.pred));
    expect([...byPrompt.values()].every((preds) => preds.size === 1)).toBe(true);
    expect(byPrompt.size).toBeLessThan(records.length);
    const scores = path.join(dir, 'coords-scores.json');
    expect(await guinav('eval', 'static', '--format', 'coords', '--predictions', out, '--out', scores)).toBe(0);
  });

  it('runs a text model on prompts that show the screen as text, and refuses screenshot-only prompts', async () => {
    const out = path.join(dir, 'text.jsonl');
    expect(await guinav('predict', '--model', LLAMA, '--data', testJson, '--out', out, '--device', 'cpu')).toBe(1);
    expect(stderr()).toContain(
      'item 0: a text model (llama) cannot see the screenshot, and this prompt shows the screen only as an image',
    );
    const world = await loadWorld(path.join(MINI, 'ui_structure.json'));
    const both = testRecords.slice(0, 2).map((r, i) => {
      const page = r.images[0]!.match(/(page_\d+)\.png$/)![1]!;
      const [, source, target] = /from (page_\d+) to (page_\d+)/.exec(r.messages[0]!.content)!;
      const screen = { page, elements: screenElements(world, page) };
      const content = gelabUserPrompt({ source: source!, target: target!, history: [], mode: 'both', screen });
      return { ...r, idx: i, messages: [{ role: 'user', content }, r.messages[1]] };
    });
    const bothFile = path.join(dir, 'both.json');
    await writeFile(bothFile, JSON.stringify(both));
    vi.restoreAllMocks();
    expect(
      await guinav(
        'predict',
        '--model',
        LLAMA,
        '--data',
        bothFile,
        '--out',
        out,
        '--device',
        'cpu',
        '--max-new-tokens',
        '3',
      ),
    ).toBe(0);
    expect((await lines(out)).map((r) => r.prompt)).toEqual(both.map((r) => r.messages[0]!.content));
  });

  it('refuses --out over an input, bad records and GE-Lab preference pairs, naming them', async () => {
    const before = await readFile(testJson, 'utf8');
    expect(await predict(testJson, testJson)).toBe(1);
    expect(stderr()).toContain('writing it would destroy the input');
    expect(await readFile(testJson, 'utf8')).toBe(before);
    const bad = path.join(dir, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify(testRecords[0])}\n{"messages": [{"role": "user", "content": 3}]}\n`);
    expect(await predict(bad, path.join(dir, 'x.jsonl'))).toBe(1);
    expect(stderr()).toMatch(/bad\.jsonl: line 2: messages\[0\]\.content: .*expected string/);
    const gelabPairs = path.join(dir, 'gelab-pairs.jsonl');
    await writeFile(
      gelabPairs,
      jsonLinesText([{ prompt: '<image>x', chosen: testRecords[0]!.messages[1]!.content, images: [] }]),
    );
    expect(await predict(gelabPairs, path.join(dir, 'x.jsonl'))).toBe(1);
    expect(stderr()).toContain('line 1: chosen: "Explain:click');
    expect(stderr()).toContain('GE-Lab preference pairs carry no icon box');
    const missing = path.join(dir, 'missing.json');
    await writeFile(missing, JSON.stringify([{ ...testRecords[0], images: ['/nowhere/page_9.png'] }]));
    expect(await predict(missing, path.join(dir, 'x.jsonl'))).toBe(1);
    expect(stderr()).toContain('1 image(s) missing: /nowhere/page_9.png (item 0)');
    expect(await predict(testJson, path.join(dir, 'x.jsonl'), '--split', 'a.json')).toBe(1);
    expect(stderr()).toContain('--split applies only to a GUI-Odyssey dataset folder');
    expect(await predict(testJson, path.join(dir, 'x.jsonl'), '--adapter', path.join(dir, 'none'))).toBe(1);
    expect(stderr()).toMatch(/--adapter .*none: .*adapter_config\.json/);
    expect(existsSync(path.join(dir, 'x.jsonl'))).toBe(false);
  });

  it('Ctrl-C leaves no predictions file and exits 130', async () => {
    const out = path.join(dir, 'interrupted.jsonl');
    const code = await interruptedOn(
      /predict generate: 0\//,
      ...['predict', '--model', VLM, '--data', testJson, '--out', out, '--device', 'cpu', '--batch-size', '1'],
    );
    expect(code).toBe(130);
    expect(existsSync(out)).toBe(false);
  });
});
