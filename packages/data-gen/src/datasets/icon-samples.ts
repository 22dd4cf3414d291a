import { normalizeBbox } from '../actions/coords.js';
import { formatGelabGroundingAnswer } from '../actions/gelab.js';
import { gelabCaptionPrompt, gelabGroundingPrompt } from '../prompts/gelab.js';
import type { DataRng } from '../random/data-rng.js';
import { randomPointInBbox } from '../tasks/path-samples.js';
import type { PixelBbox } from '../world/schema.js';
import { isSystemAction, type World } from '../world/world.js';
import type { GelabSftRecord, ImagePathOf } from './gelab-records.js';

/** A normal icon as it appears on one page. */
export interface IconOccurrence {
  page: string;
  icon: string;
  bbox: PixelBbox;
}

/** Every normal icon on every page (pages in natural order, icons in layout order). back/home are not included. */
export function iconOccurrences(world: World): IconOccurrence[] {
  return world.pageIds.flatMap((page) =>
    Object.entries(world.structure.pages[page]?.layout ?? {})
      .filter(([icon]) => !isSystemAction(icon))
      .map(([icon, entry]) => ({ page, icon, bbox: entry.bbox })),
  );
}

/**
 * The occurrences auxiliary samples are made from: one per occurrence by default, or `count`
 * drawn with replacement (the published set drew 2,320 from 230 occurrences).
 */
export function chooseOccurrences(world: World, count: number | undefined, rng: DataRng): IconOccurrence[] {
  const all = iconOccurrences(world);
  if (count === undefined) return all;
  if (all.length === 0) throw new Error(`${world.source}: the world has no icons to sample`);
  return Array.from({ length: count }, () => rng.pick(all));
}

/** Icon captioning: "What is the icon at point (x, y)?" -> the icon's name (underscore form). */
export function captioningRecords(
  world: World,
  occurrences: readonly IconOccurrence[],
  rng: DataRng,
  imageOf: ImagePathOf,
): GelabSftRecord[] {
  return occurrences.map((o) => ({
    idx: 0,
    task: 'captioning',
    messages: [
      { role: 'user', content: gelabCaptionPrompt(randomPointInBbox(normalizeBbox(o.bbox, world.canvas), rng)) },
      { role: 'assistant', content: o.icon },
    ],
    images: [imageOf(o.page)],
    source: 'captioning',
  }));
}

/** Icon grounding: "Click on X in the image." -> a click at a random point inside X. */
export function groundingRecords(
  world: World,
  occurrences: readonly IconOccurrence[],
  rng: DataRng,
  imageOf: ImagePathOf,
): GelabSftRecord[] {
  return occurrences.map((o) => ({
    idx: 0,
    task: 'grounding',
    messages: [
      { role: 'user', content: gelabGroundingPrompt(o.icon) },
      {
        role: 'assistant',
        content: formatGelabGroundingAnswer(randomPointInBbox(normalizeBbox(o.bbox, world.canvas), rng)),
      },
    ],
    images: [imageOf(o.page)],
    source: 'grounding',
  }));
}
