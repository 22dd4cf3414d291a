import {
  DataRng,
  formatGelabClick,
  GELAB_COMPLETE_TEXT,
  getPage,
  normalizeBbox,
  type Point,
  pathInTree,
  randomPointInBbox,
  type ShortestPathTree,
  shortestPathTree,
  type World,
} from '@guinav/data-gen';
import type { Observation } from '../sim/observation.js';
import { hitTest } from '../sim/screen.js';
import type { ActOptions, Agent } from './agent.js';

/**
 * Follows data-gen's tie-broken shortest path from wherever it is (so it recovers from any
 * state, and from the source it takes exactly the dataset's path), clicking a seeded random point
 * inside the icon, as the dataset's ground truth does; says `complete` on the target page.
 */
export class OracleAgent implements Agent {
  readonly name = 'oracle';
  private readonly trees = new Map<string, ShortestPathTree>();

  constructor(readonly world: World) {}

  async act(observation: Observation, options: ActOptions): Promise<string> {
    return this.answer(observation, options.seed);
  }

  /** Synchronous core of `act` (the oracle needs no I/O). */
  answer(observation: Observation, seed: number): string {
    const { page } = observation;
    const { target } = observation.task;
    if (page === target) return GELAB_COMPLETE_TEXT;
    const next = pathInTree(this.tree(page), target)?.[0];
    if (!next) throw new Error(`${this.world.source}: ${target} cannot be reached from ${page}`);
    const entry = getPage(this.world, page).layout[next.action];
    if (!entry) throw new Error(`${this.world.source}: ${page} has no icon "${next.action}"`);
    const rng = new DataRng(seed).fork(`step${observation.step}`);
    const point = pointThatHits(
      observation,
      next.action,
      randomPointInBbox(normalizeBbox(entry.bbox, this.world.canvas), rng),
    );
    return formatGelabClick(next.action, page, point);
  }

  /** BFS trees are cached per page: an evaluation asks for the same few dozen again and again. */
  private tree(page: string): ShortestPathTree {
    let tree = this.trees.get(page);
    if (!tree) {
      tree = shortestPathTree(this.world, page);
      this.trees.set(page, tree);
    }
    return tree;
  }
}

/**
 * Where boxes overlap, the last element wins the click; if the drawn point falls under a later
 * element, the first point of the icon's box (row by row) that does hit it is used instead.
 */
function pointThatHits(observation: Observation, icon: string, drawn: Point): Point {
  if (hitTest(observation.elements, drawn)?.name === icon) return drawn;
  const box = observation.elements.find((e) => e.name === icon)?.bbox;
  if (box) {
    for (let y = box[1]; y <= box[3]; y++) {
      for (let x = box[0]; x <= box[2]; x++) if (hitTest(observation.elements, [x, y])?.name === icon) return [x, y];
    }
  }
  throw new Error(`${observation.page}: icon "${icon}" is entirely covered by other elements; it cannot be clicked`);
}
