import { readFile } from 'node:fs/promises';
import { jsonPathPosition, loadTasksFile, type NavigationTask, shortestPathTree, type World } from '@guinav/data-gen';

/**
 * Reads a `tasks_test.json` and checks every task against the world before anything runs:
 * both pages exist, they differ, and `pathLength` is the world's shortest-path length (a tasks
 * file made for another world fails here, not as a mysteriously low score). Errors name the
 * file, the task's index and line, and what was expected.
 */
export async function loadInteractiveTasks(file: string, world: World): Promise<NavigationTask[]> {
  const { tasks } = await loadTasksFile(file);
  const problem = findTaskProblem(world, tasks);
  if (problem) {
    const line = jsonPathPosition(await readFile(file, 'utf8'), ['tasks', problem.index])?.line;
    throw new Error(`${file}: tasks[${problem.index}]${line ? ` (line ${line})` : ''}: ${problem.message}`);
  }
  return tasks;
}

export function findTaskProblem(
  world: World,
  tasks: readonly NavigationTask[],
): { index: number; message: string } | undefined {
  const distances = new Map<string, ReadonlyMap<string, number>>();
  for (const [index, task] of tasks.entries()) {
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
