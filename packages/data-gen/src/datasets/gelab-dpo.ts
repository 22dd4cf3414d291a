import { type NormBbox, normalizeBbox, type Point, pointInBbox } from '../actions/coords.js';
import { formatGelabClick, GELAB_COMPLETE_TEXT } from '../actions/gelab.js';
import type { DataRng } from '../random/data-rng.js';
import { type NavigationSample, randomPointInBbox } from '../tasks/path-samples.js';
import { optimalEdges } from '../tasks/shortest-paths.js';
import { getPage, type World } from '../world/world.js';
import type { ImagePathOf } from './gelab-records.js';
import { gelabTaskName, promptImages } from './gelab-records.js';

/**
 * GE-Lab preference pairs: chosen = the ground-truth answer; rejected = a plausible but wrong
 * answer made by one of these strategies (each documented in docs/data-gen.md):
 *
 * - `outside-bbox`       click step: same explanation, the point moved outside the target icon
 *                        (and outside every other icon that would also start a shortest path);
 * - `wrong-icon`         click step: names and clicks (inside its box) another icon of the page
 *                        that does not start any shortest path to the target;
 * - `premature-complete` click step: declares `complete` before reaching the target;
 * - `wrong-page`         click step: right icon and point, but the explanation names another page;
 * - `click-at-target`    complete step: clicks an icon of the target page instead of completing.
 *
 * A rejected answer is never equal to the chosen one, and never another correct answer.
 */
export const GELAB_DPO_STRATEGIES = [
  'outside-bbox',
  'wrong-icon',
  'premature-complete',
  'wrong-page',
  'click-at-target',
] as const;
export type GelabDpoStrategy = (typeof GELAB_DPO_STRATEGIES)[number];

export interface GelabDpoRecord {
  prompt: string;
  chosen: string;
  rejected: string;
  images: string[];
  strategy: GelabDpoStrategy;
  source: string;
  task: string;
  path: number;
  step: number;
}

type Rejection = (world: World, sample: NavigationSample, rng: DataRng) => string | undefined;

const outsideBbox: Rejection = (world, sample, rng) => {
  if (sample.action.type !== 'click' || !sample.bboxNorm) return undefined;
  // Points inside any optimal icon (the target's or a tied alternative's) would still be right.
  const forbidden: NormBbox[] = optimalEdges(world, sample.page, sample.target).map((e) =>
    normalizeBbox(e.bbox, world.canvas),
  );
  forbidden.push(sample.bboxNorm);
  for (let tries = 0; tries < 1000; tries++) {
    const point: Point = [rng.int(0, 1000), rng.int(0, 1000)];
    if (!forbidden.some((box) => pointInBbox(point, box)))
      return formatGelabClick(sample.action.icon, sample.page, point);
  }
  return undefined;
};

const wrongIcon: Rejection = (world, sample, rng) => {
  if (sample.action.type !== 'click') return undefined;
  const optimal = new Set(optimalEdges(world, sample.page, sample.target).map((e) => e.action));
  optimal.add(sample.action.icon);
  const others = Object.entries(getPage(world, sample.page).layout).filter(([icon]) => !optimal.has(icon));
  if (others.length === 0) return undefined;
  const [icon, entry] = rng.pick(others);
  return formatGelabClick(icon, sample.page, randomPointInBbox(normalizeBbox(entry.bbox, world.canvas), rng));
};

const prematureComplete: Rejection = (_world, sample) =>
  sample.action.type === 'click' ? GELAB_COMPLETE_TEXT : undefined;

const wrongPage: Rejection = (world, sample, rng) => {
  if (sample.action.type !== 'click') return undefined;
  const others = world.pageIds.filter((p) => p !== sample.page);
  if (others.length === 0) return undefined;
  return formatGelabClick(sample.action.icon, rng.pick(others), sample.action.point);
};

const clickAtTarget: Rejection = (world, sample, rng) => {
  if (sample.action.type !== 'complete') return undefined;
  const icons = Object.entries(getPage(world, sample.page).layout);
  if (icons.length === 0) return undefined;
  const [icon, entry] = rng.pick(icons);
  return formatGelabClick(icon, sample.page, randomPointInBbox(normalizeBbox(entry.bbox, world.canvas), rng));
};

const REJECTIONS: Record<GelabDpoStrategy, Rejection> = {
  'outside-bbox': outsideBbox,
  'wrong-icon': wrongIcon,
  'premature-complete': prematureComplete,
  'wrong-page': wrongPage,
  'click-at-target': clickAtTarget,
};

/** Strategies that can reject this sample (click steps and complete steps have different ones). */
export function applicableStrategies(
  sample: NavigationSample,
  enabled: readonly GelabDpoStrategy[],
): GelabDpoStrategy[] {
  const forComplete = sample.action.type === 'complete';
  return enabled.filter((s) => (s === 'click-at-target') === forComplete);
}

/** Makes the rejected answer for one strategy; undefined when the strategy cannot apply. */
export function rejectGelabSample(
  world: World,
  sample: NavigationSample,
  strategy: GelabDpoStrategy,
  rng: DataRng,
): string | undefined {
  const rejected = REJECTIONS[strategy](world, sample, rng);
  if (rejected === sample.answer) throw new Error(`internal: ${strategy} produced the chosen answer`);
  return rejected;
}

/**
 * One pair per sample: a strategy drawn at random among the enabled ones that apply (trying the
 * others if the drawn one cannot, e.g. `wrong-icon` on a page whose every icon is optimal).
 */
export function gelabDpoPairs(
  world: World,
  samples: readonly { sample: NavigationSample; source: string }[],
  enabled: readonly GelabDpoStrategy[],
  rng: DataRng,
  imageOf: ImagePathOf,
): GelabDpoRecord[] {
  const records: GelabDpoRecord[] = [];
  for (const { sample, source } of samples) {
    for (const strategy of rng.shuffle(applicableStrategies(sample, enabled))) {
      const rejected = rejectGelabSample(world, sample, strategy, rng);
      if (rejected === undefined) continue;
      records.push({
        prompt: sample.prompt,
        chosen: sample.answer,
        rejected,
        images: promptImages(sample, imageOf),
        strategy,
        source,
        task: gelabTaskName(sample.source, sample.target),
        path: sample.pathLength,
        step: sample.step,
      });
      break;
    }
  }
  return records;
}
