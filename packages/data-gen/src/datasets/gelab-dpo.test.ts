import { describe, expect, it } from 'vitest';
import { pointInBbox } from '../actions/coords.js';
import { GELAB_COMPLETE_TEXT, type GelabClick, parseGelabAction } from '../actions/gelab.js';
import { DataRng } from '../random/data-rng.js';
import { pathSamples } from '../tasks/path-samples.js';
import { shortestPath } from '../tasks/shortest-paths.js';
import { generateWorld } from '../world/generate.js';
import { WORLD_PRESETS } from '../world/presets.js';
import { parseWorld } from '../world/world.js';
import { GELAB_OUTPUT_FILES as F } from './dataset-files.js';
import { buildGelabDatasets } from './gelab-datasets.js';
import { applicableStrategies, GELAB_DPO_STRATEGIES, rejectGelabSample } from './gelab-dpo.js';

const world = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 3 }), 'gelab');
const BACK_NORM: [number, number, number, number] = [51, 23, 221, 102];
const HOME_NORM: [number, number, number, number] = [779, 23, 949, 102];

// page_21 (depth 3) -> page_1: back,back and home,click are both shortest; the sample clicks back.
const [tiedClick, , tiedComplete] = pathSamples(world, {
  source: 'page_21',
  target: 'page_1',
  path: shortestPath(world, 'page_21', 'page_1'),
});
const click = (text: string | undefined) => parseGelabAction(text ?? '') as GelabClick;

describe('GE-Lab rejection strategies', () => {
  it('applies click strategies to click steps and click-at-target to complete steps', () => {
    expect(applicableStrategies(tiedClick!, GELAB_DPO_STRATEGIES)).toEqual([
      'outside-bbox',
      'wrong-icon',
      'premature-complete',
      'wrong-page',
    ]);
    expect(applicableStrategies(tiedComplete!, GELAB_DPO_STRATEGIES)).toEqual(['click-at-target']);
  });

  it('outside-bbox keeps the explanation but clicks outside the target and every tied alternative', () => {
    for (let seed = 0; seed < 200; seed++) {
      const rejected = click(rejectGelabSample(world, tiedClick!, 'outside-bbox', new DataRng(seed)));
      expect(rejected).toMatchObject({ type: 'click', icon: 'back', page: 'page_21' });
      expect(pointInBbox(rejected.point, BACK_NORM)).toBe(false);
      expect(pointInBbox(rejected.point, HOME_NORM)).toBe(false); // home would also be a shortest first step
    }
  });

  it('wrong-icon clicks inside an icon that starts no shortest path', () => {
    const children = (world.children.get('page_21') ?? []).map(
      (child) => world.structure.pages.page_21?.transitions.find((t) => t.target_page === child)?.action,
    );
    for (let seed = 0; seed < 50; seed++) {
      const rejected = click(rejectGelabSample(world, tiedClick!, 'wrong-icon', new DataRng(seed)));
      expect(children).toContain(rejected.icon); // never back or home: both are optimal here
      const bbox = world.structure.pages.page_21?.layout[rejected.icon as string]?.bbox ?? [0, 0, 0, 0];
      const norm: [number, number, number, number] = [
        Math.round((bbox[0] / 1179) * 1000),
        Math.round((bbox[1] / 2556) * 1000),
        Math.round((bbox[2] / 1179) * 1000),
        Math.round((bbox[3] / 2556) * 1000),
      ];
      expect(pointInBbox(rejected.point, norm)).toBe(true);
    }
  });

  it('wrong-icon gives up when every icon of the page is optimal', () => {
    const mini = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.mini, seed: 1 }), 'mini');
    // mini leaves (depth 3) have only back and home, and both start a shortest path to their depth-1 ancestor.
    const leaf = mini.pageIds.find((p) => mini.depth.get(p) === 3) as string;
    const top = mini.parent.get(mini.parent.get(leaf) as string) as string;
    const [first] = pathSamples(mini, { source: leaf, target: top, path: shortestPath(mini, leaf, top) });
    expect(rejectGelabSample(mini, first!, 'wrong-icon', new DataRng(1))).toBeUndefined();
  });

  it('premature-complete, wrong-page and click-at-target', () => {
    expect(rejectGelabSample(world, tiedClick!, 'premature-complete', new DataRng(1))).toBe(GELAB_COMPLETE_TEXT);
    const wrongPage = click(rejectGelabSample(world, tiedClick!, 'wrong-page', new DataRng(1)));
    const chosen = click(tiedClick?.answer);
    expect(wrongPage.icon).toBe('back');
    expect(wrongPage.point).toEqual(chosen.point);
    expect(wrongPage.page).not.toBe('page_21');
    expect(world.pageIds).toContain(wrongPage.page);
    const atTarget = click(rejectGelabSample(world, tiedComplete!, 'click-at-target', new DataRng(1)));
    expect(atTarget.page).toBe('page_1');
    expect(Object.keys(world.structure.pages.page_1?.layout ?? {})).toContain(atTarget.icon);
    expect(rejectGelabSample(world, tiedComplete!, 'premature-complete', new DataRng(1))).toBeUndefined();
  });
});

describe('GE-Lab DPO pairs', () => {
  const mini = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.mini, seed: 5 }), 'mini');
  const data = buildGelabDatasets(mini, { imageOf: (p) => `${p}.png`, dpo: true });

  it('pairs every SFT navigation sample once, with every strategy in use and never a degenerate pair', () => {
    const navigation = data.stats.sft.path + data.stats.sft.edge;
    expect(data.dpo).toHaveLength(navigation);
    expect(data.stats.files[F.dpo]).toBe(navigation);
    const used = new Set(data.dpo?.map((r) => r.strategy));
    expect([...used].sort()).toEqual([...GELAB_DPO_STRATEGIES].sort());
    for (const r of data.dpo ?? []) {
      expect(r.rejected).not.toBe(r.chosen);
      expect(parseGelabAction(r.rejected).type).not.toBe('invalid');
    }
    expect(Object.keys(data.dpo?.[0] ?? {})).toEqual([
      'prompt',
      'chosen',
      'rejected',
      'images',
      'strategy',
      'source',
      'task',
      'path',
      'step',
    ]);
  });

  it('uses only the strategies asked for', () => {
    const only = buildGelabDatasets(mini, { imageOf: (p) => p, dpo: ['premature-complete'] });
    expect(new Set(only.dpo?.map((r) => r.strategy))).toEqual(new Set(['premature-complete']));
    // complete steps have no applicable strategy among those asked for, so they get no pair
    expect(only.dpo?.every((r) => r.chosen !== GELAB_COMPLETE_TEXT)).toBe(true);
  });
});
