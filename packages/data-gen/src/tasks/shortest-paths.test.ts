import { describe, expect, it } from 'vitest';
import { DataRng } from '../random/data-rng.js';
import { generateWorld } from '../world/generate.js';
import { WORLD_PRESETS } from '../world/presets.js';
import type { UiStructure } from '../world/schema.js';
import { parseWorld } from '../world/world.js';
import { orderedEdges, shortestPath, subtreeEdges, subtreeTasks } from './shortest-paths.js';

const gelab = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 7 }), 'gelab');

/** Published per-subtree numbers (reference gelab.md). */
const PUBLISHED = {
  tasks: 2162,
  histogram: { 1: 137, 2: 147, 3: 222, 4: 324, 5: 492, 6: 456, 7: 384 },
  pathSamples: 12439,
  edges: 137,
  tiedPairs: 282,
};

function subtreeCounts(world: ReturnType<typeof parseWorld>, index: number) {
  const tasks = subtreeTasks(world, index);
  const histogram: Record<number, number> = {};
  for (const t of tasks) histogram[t.pathLength] = (histogram[t.pathLength] ?? 0) + 1;
  return {
    tasks: tasks.length,
    histogram,
    pathSamples: tasks.reduce((n, t) => n + t.pathLength + 1, 0),
    edges: subtreeEdges(world, index).length,
    tiedPairs: tasks.filter((t) => t.shortestPathCount > 1).length,
  };
}

describe('shortest paths on the gelab shape', () => {
  it.each([0, 1, 2, 3, 4])('subtree %i has the published task, length, sample, edge and tie counts', (index) => {
    expect(subtreeCounts(gelab, index)).toEqual(PUBLISHED);
  });

  it('holds for any file of that shape: relabelled pages and reordered transitions give the same counts', () => {
    const structure = generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 99 });
    const relabelled = relabel(structure, new DataRng(5));
    const world = parseWorld(relabelled, 'relabelled');
    expect(world.root).not.toBe('page_0');
    for (const index of [0, 4]) expect(subtreeCounts(world, index)).toEqual(PUBLISHED);
  });

  it('every path is a real walk of the graph with the BFS length', () => {
    for (const task of subtreeTasks(gelab, 2)) {
      let at = task.source;
      for (const step of task.path) {
        expect(step.page).toBe(at);
        const edge = gelab.structure.pages[at]?.transitions.find((t) => t.action === step.action);
        expect(edge?.target_page).toBe(step.target);
        at = step.target;
      }
      expect(at).toBe(task.target);
    }
  });
});

describe('tie-break rule', () => {
  // gelab BFS numbering: page_1's children are page_6..8, page_6's children page_21, page_22.
  it('prefers back,back over home,click (back ranks before home)', () => {
    expect(shortestPath(gelab, 'page_21', 'page_1')).toEqual([
      { page: 'page_21', action: 'back', target: 'page_6' },
      { page: 'page_6', action: 'back', target: 'page_1' },
    ]);
    const task = subtreeTasks(gelab, 0).find((t) => t.source === 'page_21' && t.target === 'page_1');
    expect(task?.shortestPathCount).toBe(2);
  });

  it('takes home when it is strictly shorter', () => {
    const icon = gelab.structure.pages.page_0?.transitions.find((t) => t.target_page === 'page_2')?.action;
    expect(shortestPath(gelab, 'page_21', 'page_2')).toEqual([
      { page: 'page_21', action: 'home', target: 'page_0' },
      { page: 'page_0', action: icon, target: 'page_2' },
    ]);
  });

  it('orders a page’s edges: normal by natural target order, then back, then home', () => {
    expect(orderedEdges(gelab, 'page_6').map((e) => `${e.kind}:${e.target}`)).toEqual([
      'normal:page_21',
      'normal:page_22',
      'back:page_1',
      'home:page_0',
    ]);
    // page_10 sorts after page_9 (natural order), not after page_1.
    expect(orderedEdges(gelab, 'page_2').map((e) => e.target)).toEqual(['page_9', 'page_10', 'page_11', 'page_0']);
  });

  it('returns [] for source = target and names unknown pages', () => {
    expect(shortestPath(gelab, 'page_3', 'page_3')).toEqual([]);
    expect(() => shortestPath(gelab, 'page_3', 'page_999')).toThrow(/no page "page_999"/);
    expect(() => subtreeTasks(gelab, 5)).toThrow(/subtree 5 does not exist/);
  });
});

/** Renames every page to a shuffled id and reverses transition order: same shape, different file. */
function relabel(structure: UiStructure, rng: DataRng): UiStructure {
  const ids = Object.keys(structure.pages);
  const names = rng.shuffle(ids.map((_, i) => `screen_${i + 1000}`));
  const rename = new Map(ids.map((id, i) => [id, names[i] as string]));
  const pages: UiStructure['pages'] = {};
  for (const [id, page] of Object.entries(structure.pages)) {
    pages[rename.get(id) as string] = {
      ...page,
      image: `${rename.get(id)}.png`,
      transitions: page.transitions.map((t) => ({ ...t, target_page: rename.get(t.target_page) as string })).reverse(),
    };
  }
  return { pages, metadata: structure.metadata };
}
