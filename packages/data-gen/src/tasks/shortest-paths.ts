import { BACK_ACTION, HOME_ACTION, type PixelBbox } from '../world/schema.js';
import { comparePageIds, getPage, subtreePages, type World } from '../world/world.js';

/**
 * Shortest paths by breadth-first search over ALL edges of a world: normal (icon) edges, back
 * and home. Several shortest paths can exist (282 of a gelab subtree's 2,162 pairs have ties,
 * e.g. back,back vs home,click), so the choice is fixed by one documented rule:
 *
 *   TIE-BREAK: among all shortest paths, take the one whose sequence of edges is smallest in
 *   lexicographic order, where on every page the edges are ranked
 *     1. normal edges, in natural order of their target page (page_2 before page_10),
 *     2. then back,
 *     3. then home.
 *
 * So the first step that differs decides; a path that starts by going down (or back) beats one
 * that starts by jumping home. Example: from a depth-3 page to its depth-1 ancestor both
 * back,back and home,click take 2 steps, and back,back wins (back ranks before home).
 *
 * BFS that expands each page's edges in this rank order and keeps the FIRST discovery of every
 * page yields exactly that path: the queue holds each level in lexicographic order of the
 * chosen paths, so a page is first reached through its lexicographically smallest prefix.
 */

export type EdgeKind = 'normal' | 'back' | 'home';

/** One step of a path: on `page`, click `action` (an icon name, `back` or `home`) to reach `target`. */
export interface PathStep {
  page: string;
  action: string;
  target: string;
}

/** An outgoing edge of a page, with the clicked icon's pixel box. */
export interface NavigationEdge extends PathStep {
  kind: EdgeKind;
  bbox: PixelBbox;
}

const KIND_RANK: Record<EdgeKind, number> = { normal: 0, back: 1, home: 2 };

function edgeKind(action: string): EdgeKind {
  return action === BACK_ACTION ? 'back' : action === HOME_ACTION ? 'home' : 'normal';
}

const edgeCache = new WeakMap<World, Map<string, readonly NavigationEdge[]>>();

/** A page's outgoing edges in tie-break rank order (normal by natural target order, then back, then home). */
export function orderedEdges(world: World, page: string): readonly NavigationEdge[] {
  let perWorld = edgeCache.get(world);
  if (!perWorld) {
    perWorld = new Map();
    edgeCache.set(world, perWorld);
  }
  const cached = perWorld.get(page);
  if (cached) return cached;
  const edges = getPage(world, page)
    .transitions.map((t) => ({
      page,
      action: t.action,
      target: t.target_page,
      kind: edgeKind(t.action),
      bbox: t.icon_bbox,
    }))
    .sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind] || comparePageIds(a.target, b.target));
  perWorld.set(page, edges);
  return edges;
}

/** BFS result from one source: distance, number of shortest paths, and the tie-broken last edge per page. */
export interface ShortestPathTree {
  source: string;
  distance: ReadonlyMap<string, number>;
  /** How many distinct shortest paths reach each page (1 = no tie). */
  pathCount: ReadonlyMap<string, number>;
  /** The last edge of the chosen (tie-broken) shortest path to each page other than the source. */
  via: ReadonlyMap<string, NavigationEdge>;
}

export function shortestPathTree(world: World, source: string): ShortestPathTree {
  getPage(world, source);
  const distance = new Map<string, number>([[source, 0]]);
  const pathCount = new Map<string, number>([[source, 1]]);
  const via = new Map<string, NavigationEdge>();
  const queue = [source];
  for (let head = 0; head < queue.length; head++) {
    const page = queue[head] as string;
    const d = distance.get(page) as number;
    const count = pathCount.get(page) as number;
    for (const edge of orderedEdges(world, page)) {
      const seen = distance.get(edge.target);
      if (seen === undefined) {
        distance.set(edge.target, d + 1);
        pathCount.set(edge.target, count);
        via.set(edge.target, edge);
        queue.push(edge.target);
      } else if (seen === d + 1) {
        pathCount.set(edge.target, (pathCount.get(edge.target) as number) + count);
      }
    }
  }
  return { source, distance, pathCount, via };
}

/** The tie-broken path from the tree's source to `target`, or undefined when unreachable. */
export function pathInTree(tree: ShortestPathTree, target: string): PathStep[] | undefined {
  if (!tree.distance.has(target)) return undefined;
  const steps: PathStep[] = [];
  for (let at = target; at !== tree.source; ) {
    const edge = tree.via.get(at) as NavigationEdge;
    steps.push({ page: edge.page, action: edge.action, target: edge.target });
    at = edge.page;
  }
  return steps.reverse();
}

/** The tie-broken shortest path; [] when source === target. Throws for unknown or unreachable pages. */
export function shortestPath(world: World, source: string, target: string): PathStep[] {
  getPage(world, target);
  const path = pathInTree(shortestPathTree(world, source), target);
  if (!path) throw new Error(`${world.source}: ${target} cannot be reached from ${source}`);
  return path;
}

/** A navigation task of a subtree with its chosen shortest path. */
export interface SubtreeTask {
  source: string;
  target: string;
  pathLength: number;
  path: PathStep[];
  /** Number of distinct shortest paths (> 1 means the tie-break rule chose one). */
  shortestPathCount: number;
}

/** The pages tasks are drawn from: the world's root, then the subtree's pages in natural order. */
export function subtreeTaskPages(world: World, subtreeIndex: number): string[] {
  const pages = subtreePages(world, subtreeIndex).sort(comparePageIds);
  return [world.root, ...pages];
}

/**
 * Every ordered pair (s, t), s != t, over the subtree's pages plus the root, sources in natural
 * order then targets in natural order (the root first). 2,162 tasks for a gelab-shaped subtree.
 */
export function subtreeTasks(world: World, subtreeIndex: number): SubtreeTask[] {
  const pages = subtreeTaskPages(world, subtreeIndex);
  const tasks: SubtreeTask[] = [];
  for (const source of pages) {
    const tree = shortestPathTree(world, source);
    for (const target of pages) {
      if (target === source) continue;
      const path = pathInTree(tree, target);
      if (!path) throw new Error(`${world.source}: ${target} cannot be reached from ${source}`);
      tasks.push({
        source,
        target,
        pathLength: path.length,
        path,
        shortestPathCount: tree.pathCount.get(target) as number,
      });
    }
  }
  return tasks;
}

/**
 * The edges of a subtree, as edge data uses them: the root's edge into the subtree, then every
 * outgoing edge of the subtree's pages (pages in natural order, edges in rank order).
 * 137 edges for a gelab-shaped subtree.
 */
export function subtreeEdges(world: World, subtreeIndex: number): NavigationEdge[] {
  const [root, ...pages] = subtreeTaskPages(world, subtreeIndex);
  const top = world.subtreeRoots[subtreeIndex] as string;
  const entry = orderedEdges(world, root as string).filter((e) => e.target === top);
  return [...entry, ...pages.flatMap((p) => orderedEdges(world, p))];
}

const treeCache = new WeakMap<World, Map<string, ShortestPathTree>>();

/** Number of clicks on a shortest path from `from` to `to` (cached per world), or undefined if unreachable. */
export function distanceBetween(world: World, from: string, to: string): number | undefined {
  let perWorld = treeCache.get(world);
  if (!perWorld) {
    perWorld = new Map();
    treeCache.set(world, perWorld);
  }
  let tree = perWorld.get(from);
  if (!tree) {
    tree = shortestPathTree(world, from);
    perWorld.set(from, tree);
  }
  return tree.distance.get(to);
}

/** The edges of `page` that start some shortest path to `target` (the tie-broken choice among them). */
export function optimalEdges(world: World, page: string, target: string): NavigationEdge[] {
  const d = distanceBetween(world, page, target);
  if (d === undefined || d === 0) return [];
  return orderedEdges(world, page).filter((e) => distanceBetween(world, e.target, target) === d - 1);
}
