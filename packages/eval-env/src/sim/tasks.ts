import { readFile } from 'node:fs/promises';
import { jsonPathPosition, loadTasksFile, type NavigationTask, shortestPathTree, type World } from '@guinav/data-gen';

/**
 * Reads a `tasks_test.json` and checks it against the world before anything runs: the list is
 * not empty, its `subtree` exists, every task appears once, both pages exist and differ, and
 * `pathLength` is the world's shortest-path length (a tasks file made for another world fails
 * here, not as a mysteriously low score). Errors name the file, the task's index and line, and
 * what was expected.
 */
export async function loadInteractiveTasks(file: string, world: World): Promise<NavigationTask[]> {
  const { subtree, tasks } = await loadTasksFile(file);
  if (tasks.length === 0) throw new Error(`${file}: tasks: the list is empty; there is nothing to evaluate`);
  const subtrees = world.subtreeRoots.length;
  if (subtree !== null && subtree >= subtrees) {
    throw new Error(
      `${file}: subtree: ${subtree} does not exist in ${world.source}, which has ${subtrees} subtree(s) (0..${subtrees - 1})`,
    );
  }
  const problem = findTaskProblem(world, tasks);
  if (problem) {
    const text = await readFile(file, 'utf8');
    const line = (index: number) => jsonPathPosition(text, ['tasks', index])?.line;
    const at = (index: number) => `tasks[${index}]${line(index) ? ` (line ${line(index)})` : ''}`;
    const message = problem.message.replace(/tasks\[(\d+)\]/g, (_m, i: string) => at(Number(i)));
    throw new Error(`${file}: ${at(problem.index)}: ${message}`);
  }
  return tasks;
}
export function findTaskProblem(
  world: World,
  tasks: readonly NavigationTask[],
): { index: number; message: string } | undefined {
  const distances = new Map<string, ReadonlyMap<string, number>>();
  const seen = new Map<string, number>();
  for (const [index, task] of tasks.entries()) {
    const key = JSON.stringify([task.source, task.target]);
    const first = seen.get(key);
    if (first !== undefined) {
      return {
        index,
        message: `${task.source} -> ${task.target} is already tasks[${first}]; list each task once (--attempts repeats them)`,
      };
    }
    seen.set(key, index);
    for (const field of ['source', 'target'] as const) {
      if (!world.structure.pages[task[field]]) {
        return { index, message: `${field} "${task[field]}" is not a page of ${world.source}` };
      }
    }
    if (task.source === task.target) return { index, message: `source and target are both "${task.source}"` };
    let distance = distances.get(task.source);
    if (!distance) {
      distance = shortestPathTree(world, task.source).distance;
      distances.set(task.source, distance);
    }
    const shortest = distance.get(task.target);
    if (shortest === undefined) {
      return { index, message: `${task.target} cannot be reached from ${task.source} in ${world.source}` };
    }
    if (shortest !== task.pathLength) {
      return {
        index,
        message: `pathLength is ${task.pathLength} but the shortest path in ${world.source} has ${shortest} step(s) (a tasks file of another world?)`,
      };
    }
  }
  return undefined;
}
