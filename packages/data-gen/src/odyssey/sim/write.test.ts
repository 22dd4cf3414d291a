import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOdysseyEpisodes, readOdysseySplits } from '../read-episodes.js';
import { SYNTHETIC_MANIFEST, type WrittenSyntheticOdyssey, writeSyntheticOdysseyEpisodes } from './write.js';

let tmp = '';
let root = '';
let written: WrittenSyntheticOdyssey;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-sim-'));
  root = path.join(tmp, 'odyssey');
  written = await writeSyntheticOdysseyEpisodes({ outDir: root, count: 8, seed: 3, workers: 0 });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('writeSyntheticOdysseyEpisodes', () => {
  it('lays the dataset root out as released, with the four split files and a manifest', async () => {
    expect((await readdir(root)).sort()).toEqual(['annotations', 'screenshots', 'splits', SYNTHETIC_MANIFEST]);
    expect((await readdir(path.join(root, 'splits'))).sort()).toEqual([
      'app_split.json',
      'device_split.json',
      'random_split.json',
      'task_split.json',
    ]);
    const random = await readOdysseySplits(path.join(root, 'splits', 'random_split.json'));
    expect(Object.keys(random)).toEqual(['train', 'test']);
    expect(random.test?.every((f) => /^synthetic_\d{4}\.json$/.test(f))).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(root, SYNTHETIC_MANIFEST), 'utf8'));
    expect(manifest).toMatchObject({
      count: 8,
      seed: 3,
      width: 224,
      note: expect.stringContaining('not GUI-Odyssey data'),
    });
  });

  it('writes episodes the reader accepts, split by split, and one screenshot per step at the device aspect', async () => {
    const split = path.join(root, 'splits', 'random_split.json');
    const train = await readOdysseyEpisodes(root, { split, subset: 'train' });
    const test = await readOdysseyEpisodes(root, { split, subset: 'test' });
    expect(train.length + test.length).toBe(8);
    const shots = (await readdir(path.join(root, 'screenshots'))).sort();
    expect(shots).toHaveLength(written.steps);
    for (const { episode } of [...train, ...test]) {
      for (const step of episode.steps) expect(shots).toContain(step.screenshot);
      const { width, height } = await sharp(
        path.join(root, 'screenshots', episode.steps[0]?.screenshot ?? ''),
      ).metadata();
      expect([width, height]).toEqual([224, Math.round((224 * episode.device_info.h) / episode.device_info.w)]);
    }
  });

  it('replaces its own earlier output whole: no episode of a larger earlier run is left', async () => {
    const again = path.join(tmp, 'again');
    await writeSyntheticOdysseyEpisodes({ outDir: again, count: 8, workers: 0 });
    await writeFile(path.join(again, 'notes.txt'), 'mine');
    await writeSyntheticOdysseyEpisodes({ outDir: again, count: 3, workers: 0 });
    expect(await readdir(path.join(again, 'annotations'))).toHaveLength(3);
    expect(await readFile(path.join(again, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a folder holding other episodes, and leaves the output alone on Ctrl-C', async () => {
    const real = path.join(tmp, 'real');
    await mkdir(path.join(real, 'annotations'), { recursive: true });
    await expect(writeSyntheticOdysseyEpisodes({ outDir: real, count: 2, workers: 0 })).rejects.toThrow(
      /--out .*real: holds annotations\/ without synthetic\.json/,
    );
    const controller = new AbortController();
    const out = path.join(tmp, 'interrupted');
    const run = writeSyntheticOdysseyEpisodes({
      outDir: out,
      count: 6,
      workers: 0,
      signal: controller.signal,
      onProgress: (e) => e.phase === 'render' && e.done === 3 && controller.abort(),
    });
    await expect(run).rejects.toThrow();
    expect((await readdir(tmp)).filter((f) => f.includes('interrupted'))).toEqual([]);
  });
});
