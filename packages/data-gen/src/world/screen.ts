import { normalizeBbox } from '../actions/coords.js';
import type { ScreenElement } from '../prompts/gelab.js';
import { getPage, type World } from './world.js';

/**
 * What a page shows, as the text observation lists it: every layout entry (icons, back, home)
 * in the file's layout order with its box on the 0..1000 scale. Datasets and the simulator
 * both call this, so text-mode prompts match byte for byte.
 */
export function screenElements(world: World, page: string): ScreenElement[] {
  return Object.entries(getPage(world, page).layout).map(([name, entry]) => ({
    name,
    bbox: normalizeBbox(entry.bbox, world.canvas),
  }));
}
