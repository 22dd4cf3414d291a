import { checkFitsInMemory } from '../io/memory.js';
import { subtreePages, type World } from '../world/world.js';

/**
 * Memory of `guinav data gelab`, measured on the 2-core dev VM (Node 20) with --dpo: a 446-page
 * world (40,950 navigation tasks) ran in a 1,000 MiB heap and not in 700 MiB; 200,000 icon
 * samples needed 300-600 MiB more. Rounded up, per unit of work:
 */
export const GELAB_BYTES_PER_TASK = 24 * 1024;
export const GELAB_BYTES_PER_ICON_SAMPLE = 3 * 1024;

/** Navigation tasks the datasets hold: every ordered pair of pages of each subtree plus the root. */
export function gelabTaskCount(world: World): number {
  let tasks = 0;
  for (let i = 0; i < world.subtreeRoots.length; i++) {
    const pages = subtreePages(world, i).length + 1;
    tasks += pages * (pages - 1);
  }
  return tasks;
}

/**
 * Refuses, before any work, a world or sample count whose datasets would not fit in memory (an
 * 8,191-page world has millions of tasks), with the sizes in the message.
 */
export function checkGelabSize(world: World, iconSamples: number | undefined, limit?: number): void {
  const tasks = gelabTaskCount(world);
  const icons = iconSamples ?? 0;
  const what =
    `${world.source}: ${world.pageIds.length} pages (${tasks.toLocaleString('en-US')} navigation tasks)` +
    (icons ? ` with --icon-samples ${icons.toLocaleString('en-US')}` : '');
  checkFitsInMemory(
    {
      bytes: tasks * GELAB_BYTES_PER_TASK + icons * GELAB_BYTES_PER_ICON_SAMPLE,
      what,
      advice: 'Use a smaller world (the gelab preset has 231 pages, 10,810 tasks) or fewer --icon-samples',
    },
    limit,
  );
}
