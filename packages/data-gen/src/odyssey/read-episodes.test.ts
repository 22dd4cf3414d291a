import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OdysseyValidationError, readOdysseyEpisodes, readOdysseySplits } from './read-episodes.js';
import { syntheticOdysseyEpisodes } from './synthetic.js';
import { writeRealFormatDataset } from './test-utils/real-format.js';

let tmp: string;
const [first] = syntheticOdysseyEpisodes(1);
const good = () => JSON.parse(JSON.stringify(first?.episode));

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-odyssey-read-'));
});

async function folderWith(name: string, files: Record<string, unknown>): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    await writeFile(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

async function issuesOf(files: Record<string, unknown>): Promise<string[]> {
  const dir = await folderWith(`case-${Math.random().toString(36).slice(2)}`, files);
  try {
    await readOdysseyEpisodes(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(OdysseyValidationError);
    return (err as OdysseyValidationError).issues.map(
      (i) => `${path.basename(i.file)}|${i.episode ?? ''}|${i.step ?? ''}|${i.field}: ${i.message}`,
    );
  }
  throw new Error('expected the episodes to be rejected');
}

describe('readOdysseyEpisodes', () => {
  it('reads a folder of valid episodes with their official actions', async () => {
    const episodes = syntheticOdysseyEpisodes(1).map((e) => e.episode);
    const dir = await folderWith('ok', Object.fromEntries(episodes.map((e) => [`${e.episode_id}.json`, e])));
    const loaded = await readOdysseyEpisodes(dir);
    expect(loaded.map((l) => l.episode.episode_id)).toEqual(episodes.map((e) => e.episode_id));
    expect(loaded[0]?.actions[0]?.action).toEqual({ type: 'PRESS_HOME' });
    expect(loaded[0]?.actions[3]?.action).toEqual({ type: 'TYPE', text: 'weather in Paris' });
  });

  it('names the file, episode, step and field of each problem, across all files at once', async () => {
    const bigX = good();
    bigX.steps[1].info = [[1200, 5]];
    const badAction = good();
    badAction.steps[2].action = 'SWIPE';
    const lengths = good();
    lengths.step_length = 99;
    lengths.steps[4].step = 7;
    const issues = await issuesOf({ 'a.json': bigX, 'b.json': badAction, 'c.json': lengths, 'd.json': '{oops' });
    expect(issues).toEqual([
      expect.stringMatching(/^a\.json\|synthetic_0001\|1\|steps\[1\]\.info(\[0\]\[0\])?: /),
      'b.json|synthetic_0001|2|steps[2].action: expected CLICK, LONG_PRESS, SCROLL, TEXT, COMPLETE or INCOMPLETE (or TYPE, HOME, BACK), got "SWIPE"',
      'c.json|synthetic_0001||step_length: is 99 but there are 12 steps',
      'c.json|synthetic_0001|4|steps[4].step: is 7, expected 4',
      expect.stringMatching(/^d\.json\|\|\|\(file\): not valid JSON at line 1, column 2: expected a property name/),
    ]);
  });

  it('reports missing fields and wrong types with their path', async () => {
    const noInstruction = good();
    delete noInstruction.task_info.instruction;
    const badBox = good();
    badBox.steps[1].sam2_bbox = [500, 500, 100, 100];
    const issues = await issuesOf({ 'a.json': noInstruction, 'b.json': badBox });
    expect(issues[0]).toMatch(/^a\.json\|synthetic_0001\|\|task_info\.instruction: /);
    expect(issues[1]).toBe(
      'b.json|synthetic_0001|1|steps[1].sam2_bbox: [500,500,100,100] must have x1 <= x2 and y1 <= y2',
    );
    const shapes = good();
    shapes.steps[2].sam2_bbox = [1, 2, 3];
    shapes.steps[3].info = 5;
    expect(await issuesOf({ 'a.json': shapes })).toEqual([
      'a.json|synthetic_0001|2|steps[2].sam2_bbox: expected [x1, y1, x2, y2] on 0..1000, [] or null',
      'a.json|synthetic_0001|3|steps[3].info: expected a string (key name or typed text) or a list of [x, y] points on 0..1000',
    ]);
    const dupe = await issuesOf({ 'a.json': good(), 'b.json': good() });
    expect(dupe).toEqual([expect.stringMatching(/^b\.json\|synthetic_0001\|\|episode_id: also used by .*a\.json$/)]);
  });

  it('selects a split subset and checks the splits file', async () => {
    const episodes = syntheticOdysseyEpisodes(1).map((e) => e.episode);
    const dir = await folderWith('split', Object.fromEntries(episodes.map((e) => [`${e.episode_id}.json`, e])));
    const split = path.join(tmp, 'split.json');
    await writeFile(
      split,
      JSON.stringify({ train: ['synthetic_0001', 'synthetic_0003.json'], test: ['synthetic_0004'] }),
    );
    expect((await readOdysseyEpisodes(dir, { split })).map((e) => e.episode.episode_id)).toEqual([
      'synthetic_0001',
      'synthetic_0003',
    ]);
    expect((await readOdysseyEpisodes(dir, { split, subset: 'test' })).length).toBe(1);
    await expect(readOdysseyEpisodes(dir, { split, subset: 'val' })).rejects.toThrow(
      `--subset val: not in ${split}; it has train, test`,
    );
    await expect(readOdysseyEpisodes(dir, { subset: 'train' })).rejects.toThrow(/--subset: needs --split FILE/);
    const missing = path.join(tmp, 'missing-split.json');
    await writeFile(missing, JSON.stringify({ train: ['nope_1'] }));
    await expect(readOdysseyEpisodes(dir, { split: missing })).rejects.toThrow(
      /missing-split\.json: subset train lists 1 episode\(s\) with no file in .*: nope_1/,
    );
    const bad = path.join(tmp, 'bad-split.json');
    await writeFile(bad, JSON.stringify({ train: 'all' }));
    await expect(readOdysseySplits(bad)).rejects.toThrow(
      /bad-split\.json: invalid splits file at train: .*expected \{"train"/,
    );
    await writeFile(bad, '{"train": [\n"a",\n]}');
    await expect(readOdysseySplits(bad)).rejects.toThrow(
      /bad-split\.json: not valid JSON at line 3, column 1: expected a value/,
    );
    await expect(readOdysseySplits(path.join(tmp, 'none.json'))).rejects.toThrow(
      /none\.json: cannot read the splits file/,
    );
  });

  it('reads the dataset root as released (annotations/ beside helper files that are not episodes)', async () => {
    const root = await writeRealFormatDataset(path.join(tmp, 'root'));
    const fromRoot = await readOdysseyEpisodes(root);
    expect(fromRoot.map((e) => e.episode.episode_id)).toEqual(['rf_0001', 'rf_0002', 'rf_0003']);
    expect(await readOdysseyEpisodes(path.join(root, 'annotations'))).toEqual(fromRoot);
    // The released splits list file names with .json.
    const split = path.join(root, 'splits', 'random_split.json');
    expect((await readOdysseyEpisodes(root, { split, subset: 'test' })).map((e) => e.episode.episode_id)).toEqual([
      'rf_0003',
    ]);
  });

  it('names a JSON file that is not an episode (e.g. his_index.json in a flat folder)', async () => {
    const issues = await issuesOf({ 'a.json': good(), 'his_index.json': { '/data/screenshots/a_1.png': [] } });
    expect(issues).toEqual([
      'his_index.json|||(file): not a GUI-Odyssey episode (no episode_id or steps); --episodes takes the annotations folder or the dataset root that holds it',
    ]);
  });

  it('says when the folder is missing or holds no episodes', async () => {
    await expect(readOdysseyEpisodes(path.join(tmp, 'nowhere'))).rejects.toThrow(
      /--episodes .*nowhere: cannot read the folder/,
    );
    const empty = await folderWith('empty', { 'notes.txt': 'x' });
    await expect(readOdysseyEpisodes(empty)).rejects.toThrow(/no episode files \(\*\.json\) found/);
    expect(await readFile(path.join(empty, 'notes.txt'), 'utf8')).toBe('x');
  });
});
