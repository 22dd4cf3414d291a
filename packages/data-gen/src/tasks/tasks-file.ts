import { z } from 'zod';
import { formatJsonPath, jsonPathPosition, parseJson } from '../io/json-text.js';
import { readTextFile } from '../io/text-files.js';

/**
 * `tasks_test.json`: the interactive benchmark, one navigation task per ordered (source, target)
 * pair of a subtree (+ the root), with the length of its shortest path. Written by
 * `guinav data gelab`, read by `guinav eval interactive --tasks`.
 */
export const NavigationTask = z.object({
  source: z.string().min(1),
  target: z.string().min(1),
  /** Shortest-path length in clicks (BFS over normal, back and home edges). */
  pathLength: z.number().int().positive(),
});
export type NavigationTask = z.infer<typeof NavigationTask>;

export const TasksFile = z.object({
  /** The subtree index the tasks were drawn from, or null for a custom list. */
  subtree: z.number().int().nonnegative().nullable(),
  tasks: z.array(NavigationTask),
});
export type TasksFile = z.infer<typeof TasksFile>;

/** Reads and validates a tasks file; errors name the file, the field and its line. */
export async function loadTasksFile(file: string): Promise<TasksFile> {
  const text = await readTextFile(file, 'tasks file');
  const parsed = TasksFile.safeParse(parseJson(text, file));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const at = first?.path ?? [];
    const line = jsonPathPosition(text, at)?.line;
    throw new Error(
      `${file}: invalid tasks file at ${formatJsonPath(at)}${line ? ` (line ${line})` : ''}: ${first?.message}`,
    );
  }
  return parsed.data;
}
