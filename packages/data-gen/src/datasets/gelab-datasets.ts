import type { OnProgress } from '../io/progress.js';
import type { ObservationMode } from '../prompts/chat.js';
import { DataRng } from '../random/data-rng.js';
import { type NavigationSample, pathSamples, randomPointPicker } from '../tasks/path-samples.js';
import { type SubtreeTask, subtreeEdges, subtreeTasks } from '../tasks/shortest-paths.js';
import type { TasksFile } from '../tasks/tasks-file.js';
import { subtreePages, type World } from '../world/world.js';
import { GELAB_OUTPUT_FILES } from './dataset-files.js';
import { GELAB_DPO_STRATEGIES, type GelabDpoRecord, type GelabDpoStrategy, gelabDpoPairs } from './gelab-dpo.js';
import {
  type GelabRlRecord,
  type GelabSftRecord,
  type GelabTestRecord,
  type ImagePathOf,
  numbered,
  rlRecord,
  sftRecord,
  testRecord,
} from './gelab-records.js';
import { captioningRecords, chooseOccurrences, groundingRecords } from './icon-samples.js';
import { checkGelabSize } from './size-limits.js';

export interface GelabSplit {
  sftSubtrees: number[];
  rlSubtrees: number[];
  testSubtree: number;
}

/** The published split: subtrees 0,1 -> SFT; 2,3 -> RL; 4 -> out-of-distribution test. */
export const DEFAULT_GELAB_SPLIT: GelabSplit = { sftSubtrees: [0, 1], rlSubtrees: [2, 3], testSubtree: 4 };
export const DEFAULT_GELAB_SEED = 42;

export interface GelabDatasetOptions {
  split?: GelabSplit;
  seed?: number;
  /** How records refer to a page's screenshot. */
  imageOf: ImagePathOf;
  /** Captioning and grounding samples each: default one per normal icon occurrence; a number resamples. */
  iconSamples?: number;
  /** Make GE-Lab DPO pairs, with these strategies (default: all). */
  dpo?: boolean | readonly GelabDpoStrategy[];
  /**
   * How prompts show the screen (default `image`, the published format). `text` is for models
   * without vision: the page's elements with their boxes, no screenshot, and no icon captioning or
   * grounding records (those ask about the picture itself).
   */
  observation?: ObservationMode;
  onProgress?: OnProgress;
}

export interface SubtreeStats {
  index: number;
  root: string;
  /** Pages of the subtree (tasks also use the world's root). */
  pages: number;
  tasks: number;
  pathLengthHistogram: Record<string, number>;
  pathSamples: number;
  edgeSamples: number;
  /** Tasks with more than one shortest path (resolved by the tie-break rule). */
  tiedTasks: number;
}

export interface GelabDatasets {
  sft: GelabSftRecord[];
  /** The captioning / grounding part of sft.json on its own (numbered from 0), as the seed pipeline also wrote it. */
  iconCaptioning: GelabSftRecord[];
  iconGrounding: GelabSftRecord[];
  stRl: GelabRlRecord[];
  /** The RL subtrees' navigation tasks as first-step records (multi-turn RL starts each rollout from one). */
  mtRl: GelabRlRecord[];
  test: GelabTestRecord[];
  tasksTest: TasksFile;
  dpo?: GelabDpoRecord[];
  stats: GelabStats;
}

export interface GelabStats {
  seed: number;
  split: GelabSplit;
  world: { pages: number; root: string; subtrees: number };
  subtrees: SubtreeStats[];
  /** Sample counts per part of sft.json. */
  sft: { path: number; edge: number; captioning: number; grounding: number };
  /** Records per output file. */
  files: Record<string, number>;
}

/** Checks that the subtree indices exist and that no subtree is in two parts of the split. */
export function validateSplit(world: World, split: GelabSplit): void {
  const count = world.subtreeRoots.length;
  const parts: [string, number[]][] = [
    ['--sft-subtrees', split.sftSubtrees],
    ['--rl-subtrees', split.rlSubtrees],
    ['--test-subtree', [split.testSubtree]],
  ];
  const owner = new Map<number, string>();
  for (const [flag, indices] of parts) {
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= count) {
        throw new Error(
          `${flag}: subtree ${i} does not exist; ${world.source} has ${count} subtrees (0..${count - 1}), one per child of ${world.root}`,
        );
      }
      const other = owner.get(i);
      if (other) throw new Error(`${flag}: subtree ${i} is already in ${other}; a subtree belongs to one part only`);
      owner.set(i, flag);
    }
  }
}

interface SubtreeData {
  index: number;
  tasks: SubtreeTask[];
  stats: SubtreeStats;
}

function subtreeData(world: World, index: number): SubtreeData {
  const tasks = subtreeTasks(world, index);
  const histogram: Record<string, number> = {};
  for (const t of tasks) histogram[String(t.pathLength)] = (histogram[String(t.pathLength)] ?? 0) + 1;
  return {
    index,
    tasks,
    stats: {
      index,
      root: world.subtreeRoots[index] as string,
      pages: subtreePages(world, index).length,
      tasks: tasks.length,
      pathLengthHistogram: histogram,
      pathSamples: tasks.reduce((n, t) => n + t.pathLength + 1, 0),
      edgeSamples: 2 * subtreeEdges(world, index).length,
      tiedTasks: tasks.filter((t) => t.shortestPathCount > 1).length,
    },
  };
}

/** Samples of every task of a subtree, with click points from a stream of their own. */
function subtreeSamples(world: World, data: SubtreeData, rng: DataRng, mode?: ObservationMode): NavigationSample[] {
  const pickPoint = randomPointPicker(world, rng.fork(`path/${data.index}`));
  return data.tasks.flatMap((task) => pathSamples(world, task, { pickPoint, mode }));
}

/** Edge data: each edge's click on its page, then `complete` on the page it leads to. */
function edgeSamples(world: World, index: number, rng: DataRng, mode?: ObservationMode): NavigationSample[] {
  const pickPoint = randomPointPicker(world, rng.fork(`edge/${index}`));
  return subtreeEdges(world, index).flatMap((edge) =>
    pathSamples(world, { source: edge.page, target: edge.target, path: [edge] }, { pickPoint, mode }),
  );
}

/**
 * Everything `guinav data gelab` writes, in memory: sft (path data of the SFT subtrees + edge
 * data of ALL subtrees + icon captioning + icon grounding, the last two also on their own), st_rl (path data of the RL subtrees), mt_rl (their tasks' first steps),
 * test (path data of the test subtree, with boxes), tasks_test (its navigation tasks), stats,
 * and optionally DPO pairs for the SFT navigation samples.
 */
export function buildGelabDatasets(world: World, options: GelabDatasetOptions): GelabDatasets {
  const split = options.split ?? DEFAULT_GELAB_SPLIT;
  validateSplit(world, split);
  checkGelabSize(world, options.iconSamples);
  const seed = options.seed ?? DEFAULT_GELAB_SEED;
  const rng = new DataRng(seed);
  const { imageOf, observation: mode } = options;
  const subtreeCount = world.subtreeRoots.length;
  const steps = subtreeCount + 3;
  let done = 0;
  const tick = () => options.onProgress?.({ phase: 'datasets', done: ++done, total: steps });

  const data = Array.from({ length: subtreeCount }, (_, i) => {
    const d = subtreeData(world, i);
    tick();
    return d;
  });
  const at = (i: number) => data[i] as SubtreeData;

  const sftPath = split.sftSubtrees.flatMap((i) =>
    subtreeSamples(world, at(i), rng, mode).map((sample) => ({ sample, source: `sub${i}` })),
  );
  const edges = data.flatMap((d) =>
    edgeSamples(world, d.index, rng, mode).map((sample) => ({ sample, source: `sub${d.index}_edge` })),
  );
  const occurrences = chooseOccurrences(world, options.iconSamples, rng.fork('icon-occurrences'));
  const pictures = mode !== 'text';
  const captioning = pictures ? captioningRecords(world, occurrences, rng.fork('captioning'), imageOf) : [];
  const grounding = pictures ? groundingRecords(world, occurrences, rng.fork('grounding'), imageOf) : [];
  const sft = numbered([
    ...sftPath.map(({ sample, source }) => sftRecord(sample, source, imageOf)),
    ...edges.map(({ sample, source }) => sftRecord(sample, source, imageOf)),
    ...captioning.map((r) => ({ ...r })),
    ...grounding.map((r) => ({ ...r })),
  ]);
  tick();

  const rlSamples = split.rlSubtrees.flatMap((i) =>
    subtreeSamples(world, at(i), rng, mode).map((sample) => ({ sample, source: `sub${i}` })),
  );
  const stRl = numbered(rlSamples.map(({ sample, source }) => rlRecord(sample, source, imageOf)));
  // The same first steps as st_rl (same click points): one record per task.
  const mtRl = numbered(
    rlSamples.filter(({ sample }) => sample.step === 0).map(({ sample, source }) => rlRecord(sample, source, imageOf)),
  );
  const testData = at(split.testSubtree);
  const test = numbered(
    subtreeSamples(world, testData, rng, mode).map((sample) => testRecord(sample, `sub${split.testSubtree}`, imageOf)),
  );
  const tasksTest: TasksFile = {
    subtree: split.testSubtree,
    tasks: testData.tasks.map((t) => ({ source: t.source, target: t.target, pathLength: t.pathLength })),
  };
  tick();

  let dpo: GelabDpoRecord[] | undefined;
  if (options.dpo) {
    const strategies = options.dpo === true ? GELAB_DPO_STRATEGIES : options.dpo;
    dpo = gelabDpoPairs(world, [...sftPath, ...edges], strategies, rng.fork('dpo'), imageOf);
  }
  tick();

  const names = GELAB_OUTPUT_FILES;
  const files: Record<string, number> = {
    [names.sft]: sft.length,
    [names.iconCaptioning]: captioning.length,
    [names.iconGrounding]: grounding.length,
    [names.stRl]: stRl.length,
    [names.mtRl]: mtRl.length,
    [names.test]: test.length,
    [names.tasksTest]: tasksTest.tasks.length,
  };
  if (dpo) files[names.dpo] = dpo.length;
  const stats: GelabStats = {
    seed,
    split,
    world: { pages: world.pageIds.length, root: world.root, subtrees: subtreeCount },
    subtrees: data.map((d) => d.stats),
    sft: { path: sftPath.length, edge: edges.length, captioning: captioning.length, grounding: grounding.length },
    files,
  };
  return {
    sft,
    iconCaptioning: numbered(captioning),
    iconGrounding: numbered(grounding),
    stRl,
    mtRl,
    test,
    tasksTest,
    ...(dpo ? { dpo } : {}),
    stats,
  };
}

/**
 * Test-format records (with boxes) of the path data of `subtrees`, click points drawn from a
 * generator of its own seed: GE-Lab's in-distribution protocol evaluates the SFT subtrees' steps
 * with points the training data did not show, so a model must hit the box, not recall a point.
 */
export function gelabTestRecords(
  world: World,
  subtrees: readonly number[],
  options: { seed: number; imageOf: ImagePathOf; observation?: ObservationMode },
): GelabTestRecord[] {
  const rng = new DataRng(options.seed).fork('in-distribution-test');
  return numbered(
    subtrees.flatMap((i) =>
      subtreeSamples(world, subtreeData(world, i), rng, options.observation).map((sample) =>
        testRecord(sample, `sub${i}`, options.imageOf),
      ),
    ),
  );
}
