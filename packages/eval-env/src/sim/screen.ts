import { getPage, type Point, pointInBbox, type ScreenElement, screenElements, type World } from '@guinav/data-gen';

/** What a page shows and where each clickable element leads. */
export interface PageScreen {
  page: string;
  /** The page's layout entries in file order, boxes on the 0..1000 scale of the original canvas. */
  elements: readonly ScreenElement[];
  /** Icon name -> page it leads to (only elements that have a transition). */
  targets: ReadonlyMap<string, string>;
}

const screenCache = new WeakMap<World, Map<string, PageScreen>>();

/**
 * The page as the simulator sees it. Computed once per world and page: every episode of a run
 * reads the same screens, and normalising the boxes each step would dominate a fast agent's run.
 */
export function pageScreen(world: World, page: string): PageScreen {
  let perWorld = screenCache.get(world);
  if (!perWorld) {
    perWorld = new Map();
    screenCache.set(world, perWorld);
  }
  const cached = perWorld.get(page);
  if (cached) return cached;
  const record = getPage(world, page);
  // data-gen's element list: the same one its text-mode datasets show, in the same order.
  const elements = screenElements(world, page);
  const targets = new Map(record.transitions.map((t) => [t.action, t.target_page]));
  const screen: PageScreen = { page, elements, targets };
  perWorld.set(page, screen);
  return screen;
}

/**
 * The element a click at `point` lands on: boxes are inclusive on every edge and, where boxes
 * overlap, the LAST element in layout order wins (it is drawn on top), as in GE-Lab's simulator.
 */
export function hitTest(elements: readonly ScreenElement[], point: Point): ScreenElement | undefined {
  for (let i = elements.length - 1; i >= 0; i--) {
    const element = elements[i] as ScreenElement;
    if (pointInBbox(point, element.bbox)) return element;
  }
  return undefined;
}
