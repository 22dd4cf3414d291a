/**
 * Tree shapes: children per node at each depth. `gelab` is the published 231-page world;
 * `mini` keeps the root's five subtrees (so splits 0,1 / 2,3 / 4 still work) with 26 pages.
 */
export const WORLD_PRESETS = {
  gelab: [5, 3, 2, 2, 1, 1],
  mini: [5, 2, 1],
} as const satisfies Record<string, readonly number[]>;

export type WorldPreset = keyof typeof WORLD_PRESETS;

export function isWorldPreset(name: string): name is WorldPreset {
  return Object.hasOwn(WORLD_PRESETS, name);
}

/** Pages of a tree with this shape: 1 + n0 + n0*n1 + ... */
export function pageCount(nodesPerLevel: readonly number[]): number {
  let level = 1;
  let total = 1;
  for (const n of nodesPerLevel) {
    level *= n;
    total += level;
  }
  return total;
}
