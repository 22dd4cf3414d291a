import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticOdysseyEpisodes, writeSyntheticOdyssey } from './synthetic.js';

/** The action names the official converter (decode_action) accepts; it raises "Unknown action TYPE". */
const CONVERTER_ACTIONS = ['CLICK', 'LONG_PRESS', 'SCROLL', 'TEXT', 'COMPLETE', 'INCOMPLETE'];
const KEYS = ['KEY_HOME', 'KEY_BACK', 'KEY_APPSELECT'];

describe('synthetic GUI-Odyssey episodes are in the released format', () => {
  const steps = syntheticOdysseyEpisodes(1).flatMap((e) => e.episode.steps);

  it('use only actions the official converter accepts, TEXT for typing', () => {
    expect(new Set(steps.map((s) => s.action))).toEqual(new Set(CONVERTER_ACTIONS));
  });

  it('give every step sam2_bbox (4 numbers for a click on a point, [] otherwise) and the semantic texts', () => {
    for (const s of steps) {
      const onPoint = (s.action === 'CLICK' || s.action === 'LONG_PRESS') && !KEYS.includes(s.info as string);
      expect(s.sam2_bbox, `${s.screenshot} ${s.action}`).toHaveLength(onPoint ? 4 : 0);
      for (const field of ['low_level_instruction', 'description', 'intention', 'context']) {
        expect(typeof s[field], `${s.screenshot} ${field}`).toBe('string');
        expect((s[field] as string).length).toBeGreaterThan(0);
      }
    }
  });

  it('write splits that list annotation file names with .json', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'guinav-synthetic-')), 'odyssey');
    await writeSyntheticOdyssey(dir, 1);
    const split = JSON.parse(await readFile(path.join(dir, 'splits', 'random_split.json'), 'utf8'));
    expect(split).toEqual({
      train: ['synthetic_0001.json', 'synthetic_0002.json', 'synthetic_0003.json'],
      test: ['synthetic_0004.json'],
    });
  });
});
