import { describe, expect, it } from 'vitest';
import { normalizeBbox } from '../actions/coords.js';
import { generateWorld } from './generate.js';
import { BACK_BBOX, HOME_BBOX, SLOT_XS, SLOT_YS } from './layout.js';
import { WORLD_PRESETS } from './presets.js';
import { GELAB_CANVAS } from './schema.js';
import { parseWorld } from './world.js';

describe('generateWorld', () => {
  const structure = generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 1 });
  const world = parseWorld(structure, 'gelab');

  it('builds the published 231-page tree with 685 edges', () => {
    expect(world.pageIds).toHaveLength(231);
    const perDepth = [0, 0, 0, 0, 0, 0, 0];
    for (const id of world.pageIds) {
      const d = world.depth.get(id) as number;
      perDepth[d] = (perDepth[d] ?? 0) + 1;
    }
    expect(perDepth).toEqual([1, 5, 15, 30, 60, 60, 60]);
    const kinds = { normal: 0, back: 0, home: 0 };
    for (const page of Object.values(structure.pages)) {
      for (const t of page.transitions) kinds[t.action === 'back' || t.action === 'home' ? t.action : 'normal']++;
    }
    expect(kinds).toEqual({ normal: 230, back: 230, home: 225 });
    expect(world.subtreeRoots).toEqual(['page_1', 'page_2', 'page_3', 'page_4', 'page_5']);
    expect(structure.metadata).toEqual({
      total_pages: 231,
      tree_depth: 7,
      nodes_per_level: [5, 3, 2, 2, 1, 1],
      config_file: 'config.json',
    });
  });

  it('names pages by BFS index and icons uniquely in underscore form', () => {
    expect(world.children.get('page_0')).toEqual(['page_1', 'page_2', 'page_3', 'page_4', 'page_5']);
    expect(world.children.get('page_5')).toEqual(['page_18', 'page_19', 'page_20']);
    const icons = Object.values(structure.pages).flatMap((p) =>
      p.transitions.filter((t) => t.action !== 'back' && t.action !== 'home').map((t) => t.action),
    );
    expect(new Set(icons).size).toBe(230);
    for (const icon of icons) expect(icon).toMatch(/^[A-Za-z]+(?:_[A-Za-z]+)*_\d+$/);
  });

  it('places icons on distinct grid slots and back/home at the published boxes', () => {
    for (const page of Object.values(structure.pages)) {
      const seen = new Set<string>();
      for (const [name, entry] of Object.entries(page.layout)) {
        if (name === 'back') expect(entry).toEqual({ bbox: BACK_BBOX, type: 'system' });
        else if (name === 'home') expect(entry).toEqual({ bbox: HOME_BBOX, type: 'system' });
        else {
          const [x1, y1, x2, y2] = entry.bbox;
          expect(SLOT_XS).toContain(x1);
          expect(SLOT_YS).toContain(y1);
          expect([x2 - x1, y2 - y1]).toEqual([200, 200]);
          expect(seen.has(`${x1},${y1}`)).toBe(false);
          seen.add(`${x1},${y1}`);
        }
      }
      expect(Object.hasOwn(page.layout, 'back')).toBe(page.depth >= 1);
      expect(Object.hasOwn(page.layout, 'home')).toBe(page.depth >= 2);
    }
    // the published example slot normalises as documented
    expect(normalizeBbox([244, 1488, 444, 1688], GELAB_CANVAS)).toEqual([207, 582, 377, 660]);
  });

  it('is deterministic by seed', () => {
    const again = JSON.stringify(generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 1 }));
    expect(again).toBe(JSON.stringify(structure));
    expect(JSON.stringify(generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 2 }))).not.toBe(again);
  });

  it('mini keeps five subtrees in 26 pages', () => {
    const mini = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.mini, seed: 3 }), 'mini');
    expect(mini.pageIds).toHaveLength(26);
    expect(mini.subtreeRoots).toHaveLength(5);
  });

  it('takes icon names from a given pool, and says when it is too small', () => {
    const pool = Array.from({ length: 30 }, (_, i) => `Weather_${i + 1}`);
    const small = generateWorld({ nodesPerLevel: [5, 2], seed: 4, iconNames: pool });
    const used = Object.values(small.pages)
      .flatMap((p) => Object.keys(p.layout))
      .filter((n) => n.startsWith('W'));
    expect(used).toHaveLength(15);
    for (const n of used) expect(pool).toContain(n);
    expect(() => generateWorld({ nodesPerLevel: [5, 3, 2], seed: 4, iconNames: pool })).toThrow(
      'nodes per level 5,3,2: 51 pages need 50 distinct icons, but the icon folder has 30 (use a smaller shape or more icons)',
    );
  });

  it('says when the built-in catalog is too small for the shape', () => {
    // 32 x 32 x 32 children need 33,824 icons; the catalog has 20 categories x 999.
    expect(() => generateWorld({ nodesPerLevel: [32, 32, 32], seed: 1 })).toThrow(
      'nodes per level 32,32,32: 33,825 pages need 33,824 distinct icons, but the built-in catalog has 19,980 (use a smaller shape, or --icons with more artwork)',
    );
  });

  it('rejects impossible shapes with the offending level', () => {
    expect(() => generateWorld({ nodesPerLevel: [], seed: 1 })).toThrow(/at least one level/);
    expect(() => generateWorld({ nodesPerLevel: [5, 0], seed: 1 })).toThrow(
      'nodes per level[1]: expected an integer from 1 to 32 (the icon grid has 32 slots), got 0',
    );
    expect(() => generateWorld({ nodesPerLevel: [33], seed: 1 })).toThrow(/nodes per level\[0\].*got 33/);
    expect(() => generateWorld({ nodesPerLevel: [2.5], seed: 1 })).toThrow(/got 2.5/);
  });
});
