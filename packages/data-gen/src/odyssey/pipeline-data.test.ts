import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchOdysseyAction } from '../actions/odyssey-match.js';
import type { ProgressEvent } from '../io/progress.js';
import { ODYSSEY_CATEGORIES } from './episode-schema.js';
import type { OdysseyDpoRecord } from './odyssey-dpo.js';
import { ODYSSEY_PIPELINE_FILES as F, type OdysseyPipelineData, writeOdysseyPipelineData } from './pipeline-data.js';
import type { OdysseySftRecord, OdysseyTestRecord } from './pipeline-records.js';
import { writeRealFormatDataset } from './test-utils/real-format.js';

let tmp = '';
let out = '';
let result: OdysseyPipelineData;
const events: ProgressEvent[] = [];

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;
const readLines = async <T>(file: string): Promise<T[]> =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-odyssey-pipeline-'));
  out = path.join(tmp, 'data');
  result = await writeOdysseyPipelineData({
    outDir: out,
    syntheticEpisodes: 12,
    workers: 0,
    onProgress: (e) => events.push(e),
  });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('writeOdysseyPipelineData on synthetic episodes', () => {
  it('writes the episodes and the four files, and counts them per split, category and action', async () => {
    expect((await readdir(out)).sort()).toEqual([F.dpo, F.episodes, F.sft, F.stats, F.test].sort());
    const { stats } = result;
    expect(stats.source).toBe('synthetic');
    expect(stats.splitName).toBe('random');
    expect(stats.splitFile).toBe(path.join(out, F.episodes, 'splits', 'random_split.json'));
    // 12 episodes: 2 per category, round(2 / 4) = 1 of each in test
    expect(stats.train.episodes).toBe(6);
    expect(stats.test.episodes).toBe(6);
    expect(Object.keys(stats.test.byCategory)).toEqual([...ODYSSEY_CATEGORIES]);
    for (const category of ODYSSEY_CATEGORIES) expect(stats.test.byCategory[category]?.episodes).toBe(1);
    const total = (s: typeof stats.train) => Object.values(s.byAction).reduce((a, b) => a + (b ?? 0), 0);
    expect(total(stats.train)).toBe(stats.train.steps);
    expect(stats.records.sft).toBe(stats.train.steps);
    expect(stats.records.test).toBe(stats.test.steps);
    expect(await readJson(path.join(out, F.stats))).toEqual(JSON.parse(JSON.stringify(stats)));
    expect(events.some((e) => e.phase === 'render')).toBe(true);
  });

  it('gives SFT the DPO pairs’ prompt, screenshot and chosen answer for the same step', async () => {
    const sft = await readJson<OdysseySftRecord[]>(path.join(out, F.sft));
    const dpo = await readLines<OdysseyDpoRecord>(path.join(out, F.dpo));
    expect(dpo.length).toBe(result.stats.records.dpo);
    const byStep = new Map(sft.map((r) => [`${r.episode_id}/${r.step}`, r]));
    for (const pair of dpo) {
      const record = byStep.get(`${pair.episode_id}/${pair.step}`);
      expect(record, `${pair.episode_id}/${pair.step}`).toBeDefined();
      expect(record?.messages).toEqual([
        { role: 'user', content: pair.prompt },
        { role: 'assistant', content: pair.chosen },
      ]);
      expect(record?.images).toEqual(pair.images);
    }
    expect(sft[0]?.messages[0]?.content).toMatch(/^<image>\nUser: .+\nModel:$/);
    // Screenshots are named at their final place, not in the staging folder.
    for (const r of sft.slice(0, 5)) await access(r.images[0] as string);
  });

  it('writes test records that score as all correct with the ground truth as the prediction, and not otherwise', async () => {
    const test = await readJson<OdysseyTestRecord[]>(path.join(out, F.test));
    expect(test).toHaveLength(result.stats.test.steps);
    const split = await readJson<{ test: string[] }>(result.files.split);
    expect(new Set(test.map((r) => `${r.episode_id}.json`))).toEqual(new Set(split.test));
    for (const r of test) {
      expect(r.messages.at(-1)).toEqual({ role: 'assistant', content: r.gt });
      expect(matchOdysseyAction(r.gt, r.gt, r.sam2_bbox).correct).toBe(true);
      expect(r.step_length).toBe(test.filter((t) => t.episode_id === r.episode_id).length);
    }
    const wrong = test.filter((r) => !matchOdysseyAction(r.gt, 'COMPLETE', r.sam2_bbox).correct);
    expect(wrong.length).toBe(test.filter((r) => r.gt !== 'COMPLETE').length);
  });

  it('reuses the episodes while their settings are the same, and replaces them whole when not', async () => {
    const before = events.length;
    const sft = await readFile(path.join(out, F.sft), 'utf8');
    const again = await writeOdysseyPipelineData({
      outDir: out,
      syntheticEpisodes: 12,
      workers: 0,
      onProgress: (e) => events.push(e),
    });
    expect(again.stats.synthetic?.reused).toBe(true);
    expect(events.slice(before).some((e) => e.phase === 'render')).toBe(false);
    expect(await readFile(path.join(out, F.sft), 'utf8')).toBe(sft);
    const smaller = await writeOdysseyPipelineData({ outDir: out, syntheticEpisodes: 6, workers: 0, split: 'app' });
    expect(smaller.stats.synthetic?.reused).toBe(false);
    expect(await readdir(path.join(out, F.episodes, 'annotations'))).toHaveLength(6);
    expect(smaller.stats.splitName).toBe('app');
    // The first six episodes use one template per category; only the X post uses an app-split test app.
    expect(smaller.stats.test.byCategory).toEqual({ Social_Sharing: { episodes: 1, steps: expect.any(Number) } });
  });

  it('is reproducible by seed (relative image paths: the same bytes in another folder)', async () => {
    const write = (dir: string, seed: number) =>
      writeOdysseyPipelineData({
        outDir: path.join(tmp, dir),
        syntheticEpisodes: 6,
        seed,
        workers: 0,
        imagePaths: 'relative',
      });
    await write('a', 7);
    await write('b', 7);
    await write('c', 8);
    for (const file of [F.sft, F.dpo, F.test]) {
      const a = await readFile(path.join(tmp, 'a', file), 'utf8');
      expect(await readFile(path.join(tmp, 'b', file), 'utf8')).toBe(a);
      expect(await readFile(path.join(tmp, 'c', file), 'utf8')).not.toBe(a);
    }
  });
});

describe('writeOdysseyPipelineData on given episodes', () => {
  it('reads a released-format root with a split by name, and checks its screenshots', async () => {
    const root = await writeRealFormatDataset(path.join(tmp, 'real'));
    const data = await writeOdysseyPipelineData({
      outDir: path.join(tmp, 'real-out'),
      episodesDir: root,
      split: 'random',
    });
    expect(data.stats).toMatchObject({
      source: 'episodes',
      splitName: 'random',
      train: { episodes: 2, steps: 14 },
      test: { episodes: 1, steps: 2 },
    });
    const test = await readJson<OdysseyTestRecord[]>(data.files.test);
    expect(test.map((r) => r.gt)).toEqual(['TYPE: 10:45 call', 'COMPLETE']);
    expect(test[0]?.sam2_bbox).toEqual([]);
    await rm(path.join(root, 'screenshots', 'rf_0003_1.png'));
    await expect(writeOdysseyPipelineData({ outDir: path.join(tmp, 'real-out2'), episodesDir: root })).rejects.toThrow(
      /--screenshots .*: 1 screenshot\(s\) missing: rf_0003_1\.png \(episode rf_0003, step 1\)/,
    );
  });

  it('explains a split it cannot use, and writes nothing', async () => {
    const root = await writeRealFormatDataset(path.join(tmp, 'real2'));
    const bad = (extra: object) =>
      writeOdysseyPipelineData({ outDir: path.join(tmp, 'never'), episodesDir: root, ...extra });
    await expect(bad({ split: 'task' })).rejects.toThrow(
      `--split task: no ${path.join(root, 'splits', 'task_split.json')}; give the splits file with --split FILE`,
    );
    const noTest = path.join(tmp, 'no-test.json');
    await writeFile(noTest, JSON.stringify({ train: ['rf_0001.json'] }));
    await expect(bad({ split: noTest })).rejects.toThrow(
      `${noTest}: the "test" list is missing; the pipeline trains on "train" and evaluates on "test" (it has train)`,
    );
    await expect(
      writeOdysseyPipelineData({ outDir: path.join(tmp, 'never'), split: noTest, syntheticEpisodes: 6 }),
    ).rejects.toThrow(/--split .*no-test\.json: synthetic episodes come with the random, task, device, app splits/);
    await expect(access(path.join(tmp, 'never'))).rejects.toThrow();
  });
});
