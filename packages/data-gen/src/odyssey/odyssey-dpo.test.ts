import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseOdysseyAction } from '../actions/odyssey.js';
import { matchOdysseyAction } from '../actions/odyssey-match.js';
import { buildOdysseyDpoPairs, type OdysseyDpoRecord, writeOdysseyDpo } from './odyssey-dpo.js';
import { type LoadedEpisode, parseOdysseyEpisode, readOdysseyEpisodes } from './read-episodes.js';
import { syntheticOdysseyEpisodes, writeSyntheticOdyssey } from './synthetic.js';
import { REAL_FORMAT_ACTIONS, writeRealFormatDataset } from './test-utils/real-format.js';

const loaded = syntheticOdysseyEpisodes(1).map((e, i) => parseOdysseyEpisode(e.episode, `e${i}.json`) as LoadedEpisode);
const imageOf = (_e: LoadedEpisode, step: { screenshot: string }) => step.screenshot;

let tmp: string;
let fixture: string;
let realRoot: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-odyssey-dpo-'));
  fixture = path.join(tmp, 'odyssey');
  await writeSyntheticOdyssey(fixture, 1);
  realRoot = await writeRealFormatDataset(path.join(tmp, 'real'));
});

/**
 * The rule of issue 14: the official matcher scores every rejection as wrong. The box is the
 * step's sam2_bbox as the official evaluator reads it ([] for non-clicks, which makes a matching
 * click invalid, i.e. wrong as well).
 */
function expectAllRejectionsWrong(records: readonly OdysseyDpoRecord[], episodes: readonly LoadedEpisode[]): void {
  expect(records.length).toBeGreaterThan(0);
  for (const r of records) {
    const episode = episodes.find((e) => e.episode.episode_id === r.episode_id);
    const box = episode?.episode.steps[r.step]?.sam2_bbox ?? null;
    const match = matchOdysseyAction(r.chosen, r.rejected, box);
    expect(match.correct, `${r.episode_id} step ${r.step} ${r.strategy}: ${r.chosen} vs ${r.rejected}`).toBe(false);
  }
}

describe('buildOdysseyDpoPairs', () => {
  // The four scripted episodes have 30 steps: 15 point actions (CLICK with coordinates or
  // LONG_PRESS), 4 TYPE, 4 SCROLL; every step gets a logical pair.
  const result = buildOdysseyDpoPairs(loaded, { imageOf });

  it('makes one pair per step and applicable strategy', () => {
    expect(result.pairs).toEqual({ spatial: 15, logical: 30, text: 4, scroll: 4 });
    expect(result.records).toHaveLength(53);
    expect(result.skipped).toEqual({ spatial: 0, logical: 0, text: 0, scroll: 0 });
  });

  it('writes the seed pipeline’s prompt and official action strings, never a degenerate pair', () => {
    const first = result.records[0];
    expect(first).toEqual({
      prompt: `<image>\nUser: ${loaded[0]?.episode.task_info.instruction}\nModel:`,
      chosen: 'PRESS_HOME',
      rejected: expect.stringMatching(/^CLICK: \(\d+, \d+\)$/),
      images: ['synthetic_0001_0.png'],
      strategy: 'logical',
      episode_id: 'synthetic_0001',
      step: 0,
    });
    for (const r of result.records) {
      expect(r.rejected).not.toBe(r.chosen);
      expect(parseOdysseyAction(r.chosen), r.chosen).toBeDefined();
      expect(parseOdysseyAction(r.rejected), r.rejected).toBeDefined();
    }
    const chosen = new Set(result.records.map((r) => r.chosen.split(':')[0]));
    expect([...chosen].sort()).toEqual([
      'CLICK',
      'COMPLETE',
      'IMPOSSIBLE',
      'LONG_PRESS',
      'PRESS_BACK',
      'PRESS_HOME',
      'PRESS_RECENT',
      'SCROLL',
      'TYPE',
    ]);
  });

  it('is deterministic by seed, and a pair does not depend on which other episodes are read', () => {
    const again = buildOdysseyDpoPairs(loaded, { imageOf });
    expect(again.records).toEqual(result.records);
    const other = buildOdysseyDpoPairs(loaded, { imageOf, seed: 7 });
    expect(other.records).not.toEqual(result.records);
    const alone = buildOdysseyDpoPairs(loaded.slice(1, 2), { imageOf, strategies: ['spatial'] });
    expect(alone.records).toEqual(
      result.records.filter((r) => r.episode_id === 'synthetic_0002' && r.strategy === 'spatial'),
    );
  });

  it('draws text and logical rejections of TYPE from the TYPE texts of the episodes read (as documented)', () => {
    const pool = new Set(
      loaded.flatMap((e) => e.actions.flatMap((a) => (a.action.type === 'TYPE' ? [`TYPE: ${a.action.text}`] : []))),
    );
    const typed = result.records.filter((r) => r.rejected.startsWith('TYPE: '));
    expect(typed.length).toBeGreaterThan(0);
    for (const r of typed) expect(pool.has(r.rejected), r.rejected).toBe(true);
    // Read alone, an episode's spatial and scroll pairs stay the same; its text pairs may not.
    const alone = buildOdysseyDpoPairs(loaded.slice(0, 1), { imageOf, strategies: ['spatial', 'scroll', 'text'] });
    const same = (r: { strategy: string }) => r.strategy !== 'text';
    expect(alone.records.filter(same)).toEqual(
      result.records.filter(
        (r) => r.episode_id === loaded[0]?.episode.episode_id && ['spatial', 'scroll'].includes(r.strategy),
      ),
    );
  });

  it('restricts strategies and rejects a bad sigma', () => {
    const only = buildOdysseyDpoPairs(loaded, { imageOf, strategies: ['scroll', 'text'] });
    expect(only.records.map((r) => r.strategy).sort()).toEqual([...Array(4).fill('scroll'), ...Array(4).fill('text')]);
    expect(() => buildOdysseyDpoPairs(loaded, { imageOf, sigma: 0 })).toThrow(
      '--sigma: expected a positive number, got 0',
    );
  });

  it('by default puts spatial rejections beyond the AMS radius and out of sam2_bbox', () => {
    const spatial = buildOdysseyDpoPairs(loaded, { imageOf, strategies: ['spatial'] });
    expect(spatial.records).toHaveLength(15);
    for (const r of spatial.records) {
      const chosen = parseOdysseyAction(r.chosen) as { point: [number, number] };
      const rejected = parseOdysseyAction(r.rejected) as { point: [number, number] };
      expect(
        Math.hypot(chosen.point[0] - rejected.point[0], chosen.point[1] - rejected.point[1]) / 1000,
      ).toBeGreaterThan(0.14);
      const box = loaded.find((e) => e.episode.episode_id === r.episode_id)?.episode.steps[r.step]?.sam2_bbox ?? [];
      const [x1, y1, x2, y2] = box as number[];
      const [x, y] = rejected.point;
      expect(x >= (x1 as number) && x <= (x2 as number) && y >= (y1 as number) && y <= (y2 as number)).toBe(false);
    }
  });

  it('every pair, of every strategy, is a rejection the official matcher scores as wrong', () => {
    expectAllRejectionsWrong(result.records, loaded);
    for (const seed of [0, 1, 7]) {
      const many = buildOdysseyDpoPairs(loaded, { imageOf, seed, sigma: 20 });
      expectAllRejectionsWrong(many.records, loaded);
    }
  });

  it('writes the official GUI-Odyssey prompt when asked (build_train_chat, last 4 actions)', () => {
    const official = buildOdysseyDpoPairs(loaded.slice(0, 1), {
      imageOf,
      strategies: ['logical'],
      promptFormat: 'official',
    });
    const instruction = loaded[0]?.episode.task_info.instruction;
    expect(official.records[0]?.prompt).toBe(
      `Picture 1: <img>synthetic_0001_0.png</img>\nI'm looking for guidance on how to ${instruction}` +
        '\nPrevious screenshots: None\nPrevious Actions: None\nProvide the command-style action directly.',
    );
    // Step 5: five actions before it, the last four listed, each followed by a line break.
    const [a1, a2, a3, a4] = official.records.slice(1, 5).map((r) => r.chosen);
    expect(official.records[5]?.prompt).toBe(
      `Picture 1: <img>synthetic_0001_5.png</img>\nI'm looking for guidance on how to ${instruction}` +
        '\nPrevious screenshots: <img>image-history: synthetic_0001_5.png</img>' +
        `\nPrevious Actions: 1. ${a1}\n2. ${a2}\n3. ${a3}\n4. ${a4}\n` +
        '\nProvide the command-style action directly.',
    );
    expect(official.records.map((r) => r.chosen)).toEqual(
      result.records.filter((r) => r.episode_id === 'synthetic_0001' && r.strategy === 'logical').map((r) => r.chosen),
    );
  });
});

describe('real-format episodes (what the official converter accepts)', () => {
  it("reads the dataset root as released and writes the converter's action strings", async () => {
    const episodes = await readOdysseyEpisodes(realRoot);
    expect(episodes.map((e) => e.episode.episode_id)).toEqual(['rf_0001', 'rf_0002', 'rf_0003']);
    for (const e of episodes) {
      const chosen = buildOdysseyDpoPairs([e], { imageOf, strategies: ['logical'] }).records.map((r) => r.chosen);
      expect(chosen).toEqual(REAL_FORMAT_ACTIONS[e.episode.episode_id]);
    }
  });

  it('makes only pairs whose rejection the official matcher scores as wrong', async () => {
    const episodes = await readOdysseyEpisodes(realRoot);
    for (const seed of [42, 1, 2, 3]) {
      const result = buildOdysseyDpoPairs(episodes, { imageOf, seed });
      // Point actions: rf_0001 steps 1, 4, 6, 7 and rf_0002 step 0.
      expect(result.pairs).toEqual({ spatial: 5, logical: 16, text: 3, scroll: 1 });
      expectAllRejectionsWrong(result.records, episodes);
    }
    // "10:45 call" reads as "10" to the official parser, like "10:30 meeting": never its text rejection.
    const text = buildOdysseyDpoPairs(episodes, { imageOf, strategies: ['text'] }).records;
    expect(text.find((r) => r.chosen === 'TYPE: 10:30 meeting')?.rejected).toBe('TYPE: dentist at 4');
  });
});

describe('writeOdysseyDpo', () => {
  it('takes the dataset root: annotations/, screenshots/ beside it, a split of .json file names', async () => {
    const out = path.join(tmp, 'real-out', 'pairs.jsonl');
    const result = await writeOdysseyDpo({
      episodesDir: realRoot,
      split: path.join(realRoot, 'splits', 'random_split.json'),
      subset: 'train',
      out,
    });
    expect(new Set(result.records.map((r) => r.episode_id))).toEqual(new Set(['rf_0001', 'rf_0002']));
    expect(result.records[0]?.images).toEqual([path.join(realRoot, 'screenshots', 'rf_0001_0.png')]);
  });

  it('reads the release layout (annotations + screenshots + splits) and writes JSONL', async () => {
    const out = path.join(tmp, 'out', 'pairs.jsonl');
    const result = await writeOdysseyDpo({
      episodesDir: path.join(fixture, 'annotations'),
      split: path.join(fixture, 'splits', 'random_split.json'),
      subset: 'train',
      out,
    });
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(result.records.length);
    expect(new Set(lines.map((l) => l.episode_id))).toEqual(
      new Set(['synthetic_0001', 'synthetic_0002', 'synthetic_0003']),
    );
    expect(Object.keys(lines[0])).toEqual(['prompt', 'chosen', 'rejected', 'images', 'strategy', 'episode_id', 'step']);
    expect(lines[0].images[0]).toBe(path.join(fixture, 'screenshots', 'synthetic_0001_0.png'));
    await access(lines[0].images[0]);
    expect((await readdir(path.dirname(out))).sort()).toEqual(['pairs.jsonl']);
  });

  it('writes image paths relative to the output file when asked', async () => {
    const out = path.join(tmp, 'rel', 'pairs.jsonl');
    await writeOdysseyDpo({ episodesDir: path.join(fixture, 'annotations'), out, imagePaths: 'relative' });
    const [line] = (await readFile(out, 'utf8')).split('\n');
    const image = JSON.parse(line as string).images[0];
    expect(image).toBe('../odyssey/screenshots/synthetic_0001_0.png');
    await access(path.resolve(path.dirname(out), image));
  });

  it('fails before writing when a screenshot is missing', async () => {
    const broken = path.join(tmp, 'broken');
    await writeSyntheticOdyssey(broken, 1);
    await rm(path.join(broken, 'screenshots', 'synthetic_0002_3.png'));
    const out = path.join(tmp, 'broken-out.jsonl');
    await expect(writeOdysseyDpo({ episodesDir: path.join(broken, 'annotations'), out })).rejects.toThrow(
      /--screenshots .*broken\/screenshots: 1 screenshot\(s\) missing: synthetic_0002_3\.png \(episode synthetic_0002, step 3\)/,
    );
    await expect(access(out)).rejects.toThrow();
    await writeOdysseyDpo({ episodesDir: path.join(broken, 'annotations'), out, checkImages: false });
    await access(out);
  });
});

describe('writeOdysseyDpo refuses bad inputs before any work', () => {
  it('an --out that is an episode file or lies in the episodes folder; the episodes stay as they were', async () => {
    const dir = path.join(tmp, 'guarded');
    await writeSyntheticOdyssey(dir, 1);
    const episodesDir = path.join(dir, 'annotations');
    const episode = path.join(episodesDir, 'synthetic_0001.json');
    const before = await readFile(episode, 'utf8');
    await expect(writeOdysseyDpo({ episodesDir, out: episode })).rejects.toThrow(
      `--out ${episode}: is inside --episodes ${episodesDir}; write the output elsewhere`,
    );
    const split = path.join(dir, 'splits', 'random_split.json');
    await expect(writeOdysseyDpo({ episodesDir, split, out: split })).rejects.toThrow(
      `--out ${split}: is also the input --split ${split}; writing it would destroy the input (choose another --out)`,
    );
    expect(await readFile(episode, 'utf8')).toBe(before);
  });

  it('a screenshot that is not an image, and an episode that is not UTF-8', async () => {
    const dir = path.join(tmp, 'bad-bytes');
    await writeSyntheticOdyssey(dir, 1);
    const episodesDir = path.join(dir, 'annotations');
    await writeFile(path.join(dir, 'screenshots', 'synthetic_0002_3.png'), 'GIF89a');
    const out = path.join(tmp, 'bad-bytes.jsonl');
    await expect(writeOdysseyDpo({ episodesDir, out })).rejects.toThrow(
      /--screenshots .*bad-bytes\/screenshots: 1 screenshot\(s\) are not images: synthetic_0002_3\.png \(episode synthetic_0002, step 3\) \(not a PNG image\)/,
    );
    // An instruction saved as Latin-1: read as UTF-8 it would become U+FFFD in every pair of the episode.
    const file = path.join(episodesDir, 'synthetic_0001.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, Buffer.from(text.replace('"instruction": "', '"instruction": "Caf\u00e9 '), 'latin1'));
    await expect(writeOdysseyDpo({ episodesDir, out, checkImages: false })).rejects.toThrow(
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\(file\\): not valid UTF-8 at line \\d+, column \\d+`,
      ),
    );
    await expect(access(out)).rejects.toThrow();
  });
});
