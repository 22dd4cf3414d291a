import { describe, expect, it } from 'vitest';
import { pointInBbox } from '../actions/coords.js';
import { parseGelabAction } from '../actions/gelab.js';
import { TasksFile } from '../tasks/tasks-file.js';
import { generateWorld } from '../world/generate.js';
import { WORLD_PRESETS } from '../world/presets.js';
import { parseWorld } from '../world/world.js';
import { GELAB_OUTPUT_FILES as F } from './dataset-files.js';
import { buildGelabDatasets, gelabTestRecords } from './gelab-datasets.js';

const world = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 3 }), 'gelab.json');
const imageOf = (page: string) => `images/${page}.png`;
const data = buildGelabDatasets(world, { imageOf, seed: 42 });

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe('GE-Lab datasets on the gelab shape', () => {
  it('has the published per-subtree statistics for all five subtrees', () => {
    expect(data.stats.subtrees).toHaveLength(5);
    data.stats.subtrees.forEach((s, i) => {
      expect(s).toEqual({
        index: i,
        root: `page_${i + 1}`,
        pages: 46,
        tasks: 2162,
        pathLengthHistogram: { 1: 137, 2: 147, 3: 222, 4: 324, 5: 492, 6: 456, 7: 384 },
        pathSamples: 12439,
        edgeSamples: 274,
        tiedTasks: 282,
      });
    });
  });

  it('fills sft.json with path data of subtrees 0,1, edge data of all subtrees, captioning and grounding', () => {
    expect(countBy(data.sft, (r) => r.source)).toEqual({
      sub0: 12439,
      sub1: 12439,
      sub0_edge: 274,
      sub1_edge: 274,
      sub2_edge: 274,
      sub3_edge: 274,
      sub4_edge: 274,
      captioning: 230,
      grounding: 230,
    });
    expect(data.stats.sft).toEqual({ path: 24878, edge: 1370, captioning: 230, grounding: 230 });
    expect(data.sft.map((r) => r.idx)).toEqual(data.sft.map((_, i) => i));
    // the auxiliary parts also come on their own, numbered from 0, with the same content
    expect(data.iconCaptioning.map((r) => r.idx)).toEqual(data.iconCaptioning.map((_, i) => i));
    const inSft = data.sft.filter((r) => r.source === 'grounding').map(({ idx: _, ...rest }) => rest);
    expect(data.iconGrounding.map(({ idx: _, ...rest }) => rest)).toEqual(inSft);
  });

  it('matches the published 30,888-sample SFT mix when resampling 2,320 icon samples', () => {
    const published = buildGelabDatasets(world, { imageOf, iconSamples: 2320 });
    expect(published.sft).toHaveLength(30888);
    expect(published.stRl).toHaveLength(24878);
    expect(published.stats.files).toEqual({
      [F.sft]: 30888,
      [F.iconCaptioning]: 2320,
      [F.iconGrounding]: 2320,
      [F.stRl]: 24878,
      [F.mtRl]: 4324,
      [F.test]: 12439,
      [F.tasksTest]: 2162,
    });
  });

  it('writes records with the published keys and exact strings', () => {
    const first = data.sft[0];
    expect(Object.keys(first ?? {})).toEqual(['idx', 'path', 'task', 'messages', 'images', 'source']);
    expect(first).toMatchObject({
      idx: 0,
      path: 1,
      task: 'From page_0 to page_1',
      images: ['images/page_0.png'],
      source: 'sub0',
    });
    expect(first?.messages[0]).toEqual({
      role: 'user',
      content: '<image>Instruction: from page_0 to page_1. History: Null',
    });
    const icon = world.structure.pages.page_0?.transitions.find((t) => t.target_page === 'page_1')?.action;
    expect(first?.messages[1]?.content).toMatch(
      new RegExp(
        `^Explain:click ${icon} icon on page_0\\.\\tAction: click\\(start_box='<\\|box_start\\|>\\(\\d+,\\d+\\)<\\|box_end\\|>'\\)$`,
      ),
    );
    expect(Object.keys(data.test[0] ?? {})).toEqual([
      'idx',
      'path',
      'task',
      'messages',
      'images',
      'source',
      'bbox',
      'bbox_norm',
    ]);
    expect(Object.keys(data.stRl[0] ?? {})).toEqual([
      'idx',
      'image',
      'problem',
      'solution',
      'bbox_norm',
      'path',
      'task',
      'source',
    ]);
    expect(countBy(data.stRl, (r) => r.source)).toEqual({ sub2: 12439, sub3: 12439 });
    expect(Object.keys(data.mtRl[0] ?? {})).toEqual(Object.keys(data.stRl[0] ?? {}));
    expect(countBy(data.test, (r) => r.source)).toEqual({ sub4: 12439 });
  });

  it('writes mt_rl.json: every navigation task of the RL subtrees once, as its first step in st_rl', () => {
    // The published multi-turn set: 2 RL subtrees x 2,162 tasks, each record the task's first step.
    expect(data.mtRl).toHaveLength(4324);
    expect(countBy(data.mtRl, (r) => r.source)).toEqual({ sub2: 2162, sub3: 2162 });
    expect(new Set(data.mtRl.map((r) => `${r.source} ${r.task}`)).size).toBe(4324);
    expect(data.mtRl.map((r) => r.idx)).toEqual(data.mtRl.map((_, i) => i));
    const firstSteps = data.stRl.filter((r) => r.problem.endsWith('History: Null'));
    expect(data.mtRl.map(({ idx: _, ...r }) => r)).toEqual(firstSteps.map(({ idx: _, ...r }) => r));
    const [first] = data.mtRl;
    const [, source, target] = /^From (\S+) to (\S+)$/.exec(first?.task ?? '') ?? [];
    expect(first?.problem).toBe(`<image>Instruction: from ${source} to ${target}. History: Null`);
    expect(first?.image).toBe(`images/${source}.png`);
  });

  it('puts every ground-truth click inside its box, and complete steps carry an empty box', () => {
    let clicks = 0;
    for (const r of data.test) {
      const action = parseGelabAction(r.messages[1]?.content ?? '');
      if (action.type === 'click') {
        clicks++;
        expect(pointInBbox(action.point, r.bbox_norm)).toBe(true);
        expect(r.bbox_norm).not.toEqual([0, 0, 0, 0]);
      } else {
        expect(action.type).toBe('complete');
        expect(r.bbox).toEqual([0, 0, 0, 0]);
        expect(r.bbox_norm).toEqual([0, 0, 0, 0]);
      }
    }
    expect(clicks).toBe(12439 - 2162);
    // points are random inside the box, not the centre
    const points = new Set(data.test.map((r) => r.messages[1]?.content.match(/\((\d+,\d+)\)/)?.[1]));
    expect(points.size).toBeGreaterThan(3000);
  });

  it('writes tasks_test.json for the test subtree in the shared schema', () => {
    expect(TasksFile.parse(data.tasksTest).subtree).toBe(4);
    expect(data.tasksTest.tasks).toHaveLength(2162);
    expect(data.tasksTest.tasks[0]).toEqual({ source: 'page_0', target: 'page_5', pathLength: 1 });
  });

  it('captions and grounds icons with their underscore names at points inside them', () => {
    for (const r of data.sft.filter((x) => x.source === 'captioning')) {
      const page = /page_\d+/.exec(r.images[0] ?? '')?.[0] as string;
      const icon = r.messages[1]?.content as string;
      const entry = world.structure.pages[page]?.layout[icon];
      expect(entry, `${icon} on ${page}`).toBeDefined();
      const m = /^<image>What is the icon at point \((\d+), (\d+)\) in the image\?$/.exec(r.messages[0]?.content ?? '');
      expect(m).not.toBeNull();
      const [x1, y1, x2, y2] = entry?.bbox ?? [0, 0, 0, 0];
      const box: [number, number, number, number] = [
        Math.round((x1 / 1179) * 1000),
        Math.round((y1 / 2556) * 1000),
        Math.round((x2 / 1179) * 1000),
        Math.round((y2 / 2556) * 1000),
      ];
      expect(pointInBbox([Number(m?.[1]), Number(m?.[2])], box)).toBe(true);
    }
    const grounding = data.sft.find((x) => x.source === 'grounding');
    expect(grounding?.messages[0]?.content).toMatch(/^<image>Click on [A-Za-z_]+_\d+ in the image\.$/);
    expect(grounding?.messages[1]?.content).toMatch(
      /^Action: click\(start_box='<\|box_start\|>\(\d+,\d+\)<\|box_end\|>'\)$/,
    );
  });

  it('is deterministic by seed; another seed moves the points, not the prompts', () => {
    const again = buildGelabDatasets(world, { imageOf, seed: 42 });
    expect(JSON.stringify(again.test)).toBe(JSON.stringify(data.test));
    const other = buildGelabDatasets(world, { imageOf, seed: 43 });
    expect(other.test.map((r) => r.messages[0]?.content)).toEqual(data.test.map((r) => r.messages[0]?.content));
    expect(JSON.stringify(other.test)).not.toBe(JSON.stringify(data.test));
  });

  it('keeps a subtree’s points when the split changes (one random stream per subtree)', () => {
    const swapped = buildGelabDatasets(world, {
      imageOf,
      seed: 42,
      split: { sftSubtrees: [2, 3], rlSubtrees: [0, 1], testSubtree: 4 },
    });
    expect(JSON.stringify(swapped.test)).toBe(JSON.stringify(data.test));
    expect(swapped.stRl.map((r) => r.solution)).toEqual(
      data.sft.filter((r) => r.source === 'sub0' || r.source === 'sub1').map((r) => r.messages[1]?.content),
    );
  });

  it('rejects a split with a missing or shared subtree', () => {
    expect(() =>
      buildGelabDatasets(world, { imageOf, split: { sftSubtrees: [0, 1], rlSubtrees: [2, 3], testSubtree: 5 } }),
    ).toThrow('--test-subtree: subtree 5 does not exist; gelab.json has 5 subtrees (0..4), one per child of page_0');
    expect(() =>
      buildGelabDatasets(world, { imageOf, split: { sftSubtrees: [0, 1], rlSubtrees: [1, 3], testSubtree: 4 } }),
    ).toThrow('--rl-subtrees: subtree 1 is already in --sft-subtrees; a subtree belongs to one part only');
  });
});

describe('gelabTestRecords (in-distribution protocol)', () => {
  it("gives the SFT subtrees' steps in test format, with points other than the training data's", () => {
    const world = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.mini, seed: 5 }), 'mini.json');
    const imageOf = (page: string) => `/img/${page}.png`;
    const built = buildGelabDatasets(world, { imageOf, seed: 42 });
    const id = gelabTestRecords(world, [0, 1], { seed: 42, imageOf });
    // Same steps as the SFT path data (subtrees 0 and 1), each with its box.
    const sftPath = built.sft.filter((r) => r.source === 'sub0' || r.source === 'sub1');
    expect(id.length).toBe(sftPath.length);
    expect(id.every((r) => r.bbox_norm.length === 4)).toBe(true);
    const key = (r: { task: string; messages: { content: unknown }[] }) =>
      `${r.task}|${String(r.messages[0]!.content)}`;
    expect(new Set(id.map(key))).toEqual(new Set(sftPath.map(key)));
    const answers = (rs: { messages: { content: unknown }[] }[]) => rs.map((r) => String(r.messages[1]!.content));
    expect(answers(id)).not.toEqual(answers(sftPath));
  });
});
