import { DataRng } from '../random/data-rng.js';
import { drawCatalogIconNames, ICON_CATEGORIES, ICONS_PER_CATEGORY } from './icon-catalog.js';
import { BACK_BBOX, HOME_BBOX, SLOT_COUNT, slotBbox } from './layout.js';
import { pageCount } from './presets.js';
import { BACK_ACTION, HOME_ACTION, type Page, type UiStructure } from './schema.js';

export interface GenerateWorldOptions {
  /** Children per node at each depth, e.g. [5, 3, 2, 2, 1, 1]. */
  nodesPerLevel: readonly number[];
  seed: number;
  /**
   * Names to label the edges with (e.g. the icons of a folder). Default: the built-in catalog.
   * Names are drawn at random without replacement, so every edge gets a unique icon.
   */
  iconNames?: readonly string[];
}

/**
 * Builds a GE-Lab world level by level: `page_0` has nodesPerLevel[0] children, each of those
 * nodesPerLevel[1], and so on; pages are named by BFS index. Each child edge gets a unique icon
 * on a random free grid slot of its parent; pages at depth >= 1 get `back`, depth >= 2 `home`.
 * The same options always give the same structure (and the same JSON bytes).
 */
export function generateWorld(options: GenerateWorldOptions): UiStructure {
  const { nodesPerLevel, seed } = options;
  validateShape(nodesPerLevel);
  const rng = new DataRng(seed);
  const total = pageCount(nodesPerLevel);
  const capacity = options.iconNames ? new Set(options.iconNames).size : ICON_CATEGORIES.length * ICONS_PER_CATEGORY;
  if (total - 1 > capacity) {
    // Every edge needs an icon of its own: say so before building anything of that size.
    throw new Error(
      `nodes per level ${nodesPerLevel.join(',')}: ${total.toLocaleString('en-US')} pages need ` +
        `${(total - 1).toLocaleString('en-US')} distinct icons, but ${options.iconNames ? 'the icon folder has' : 'the built-in catalog has'} ` +
        `${capacity.toLocaleString('en-US')} (use a smaller shape${options.iconNames ? ' or more icons' : ', or --icons with more artwork'})`,
    );
  }
  const icons = pickIconNames(total - 1, options.iconNames, rng.fork('icons'));
  const slotRng = rng.fork('slots');

  const pages: Record<string, Page> = {};
  const queue: { id: string; depth: number; parent?: string }[] = [{ id: 'page_0', depth: 0 }];
  let nextId = 1;
  for (let head = 0; head < queue.length; head++) {
    const { id, depth, parent } = queue[head] as (typeof queue)[number];
    const childCount = nodesPerLevel[depth] ?? 0;
    const children = Array.from({ length: childCount }, () => `page_${nextId++}`);
    pages[id] = buildPage(id, depth, parent, children, icons, slotRng);
    for (const child of children) queue.push({ id: child, depth: depth + 1, parent: id });
  }
  return {
    pages,
    metadata: {
      total_pages: total,
      tree_depth: nodesPerLevel.length + 1,
      nodes_per_level: [...nodesPerLevel],
      config_file: 'config.json',
    },
  };
}

function validateShape(nodesPerLevel: readonly number[]): void {
  if (nodesPerLevel.length === 0) throw new Error('nodes per level: expected at least one level, got none');
  nodesPerLevel.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1 || n > SLOT_COUNT) {
      throw new Error(
        `nodes per level[${i}]: expected an integer from 1 to ${SLOT_COUNT} (the icon grid has ${SLOT_COUNT} slots), got ${n}`,
      );
    }
  });
}

function pickIconNames(count: number, pool: readonly string[] | undefined, rng: DataRng): string[] {
  if (!pool) return drawCatalogIconNames(count, rng);
  return rng.shuffle([...new Set(pool)].sort()).slice(0, count);
}

/** Icons are consumed in BFS order of the pages they lead to, so `icons[i]` leads to page_{i+1}. */
function buildPage(
  id: string,
  depth: number,
  parent: string | undefined,
  children: readonly string[],
  icons: readonly string[],
  rng: DataRng,
): Page {
  const page: Page = { image: `${id}.png`, depth, layout: {}, transitions: [] };
  const slots = rng.shuffle(Array.from({ length: SLOT_COUNT }, (_, i) => i)).slice(0, children.length);
  children.forEach((child, i) => {
    const icon = icons[Number(child.slice('page_'.length)) - 1] as string;
    const bbox = slotBbox(slots[i] as number);
    page.layout[icon] = { bbox, type: 'normal' };
    page.transitions.push({ action: icon, target_page: child, icon_bbox: [...bbox] });
  });
  if (parent !== undefined) {
    page.layout[BACK_ACTION] = { bbox: [...BACK_BBOX], type: 'system' };
    page.transitions.push({ action: BACK_ACTION, target_page: parent, icon_bbox: [...BACK_BBOX] });
  }
  if (depth >= 2) {
    page.layout[HOME_ACTION] = { bbox: [...HOME_BBOX], type: 'system' };
    page.transitions.push({ action: HOME_ACTION, target_page: 'page_0', icon_bbox: [...HOME_BBOX] });
  }
  return page;
}
