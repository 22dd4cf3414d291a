import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOdysseyDpoPairs } from './odyssey/odyssey-dpo.js';
import { readOdysseyEpisodes } from './odyssey/read-episodes.js';
import { syntheticOdysseyEpisodes } from './odyssey/synthetic.js';
import { FIXTURES_DIR } from './test-utils/fixtures.js';
import { generateWorld } from './world/generate.js';
import { WORLD_PRESETS } from './world/presets.js';
import { loadWorld } from './world/world.js';

/** The committed fixtures (made by tools/fixtures/*.mjs) must match what the code generates today. */
const fixtures = FIXTURES_DIR;

describe('committed test fixtures', () => {
  it('odyssey episodes are the synthetic episodes of seed 1 and read back through the split file', async () => {
    const annotations = path.join(fixtures, 'odyssey', 'annotations');
    const split = path.join(fixtures, 'odyssey', 'splits', 'random_split.json');
    const train = await readOdysseyEpisodes(annotations, { split, subset: 'train' });
    const test = await readOdysseyEpisodes(annotations, { split, subset: 'test' });
    expect([...train, ...test].map((e) => e.episode)).toEqual(syntheticOdysseyEpisodes(1).map((e) => e.episode));
    const pairs = buildOdysseyDpoPairs([...train, ...test], { imageOf: (_e, s) => s.screenshot });
    expect(pairs.records).toHaveLength(53);
    // As released: the split lists annotation file names.
    expect(JSON.parse(await readFile(split, 'utf8'))).toEqual({
      train: ['synthetic_0001.json', 'synthetic_0002.json', 'synthetic_0003.json'],
      test: ['synthetic_0004.json'],
    });
  });

  it('worlds are the mini and gelab presets of seed 42', async () => {
    for (const preset of ['mini', 'gelab'] as const) {
      const file = path.join(fixtures, 'worlds', preset, 'ui_structure.json');
      const world = await loadWorld(file);
      expect(world.structure).toEqual(generateWorld({ nodesPerLevel: WORLD_PRESETS[preset], seed: 42 }));
      expect(await readFile(file, 'utf8')).toBe(
        `${JSON.stringify(generateWorld({ nodesPerLevel: WORLD_PRESETS[preset], seed: 42 }), null, 2)}\n`,
      );
    }
  });
});
