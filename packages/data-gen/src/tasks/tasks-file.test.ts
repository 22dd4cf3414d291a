import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTasksFile } from './tasks-file.js';

describe('loadTasksFile', () => {
  it('loads a valid file and names the bad field of an invalid one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-tasks-'));
    const good = path.join(dir, 'tasks_test.json');
    await writeFile(
      good,
      JSON.stringify({ subtree: 4, tasks: [{ source: 'page_5', target: 'page_0', pathLength: 1 }] }),
    );
    expect((await loadTasksFile(good)).tasks).toHaveLength(1);
    const bad = path.join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ subtree: 4, tasks: [{ source: 'page_5', target: 'page_0', pathLength: 0 }] }),
    );
    await expect(loadTasksFile(bad)).rejects.toThrow(/bad\.json: invalid tasks file at tasks\[0\]\.pathLength/);
    const task = (pathLength: unknown) => ({ source: 'page_5', target: 'page_0', pathLength });
    await writeFile(bad, JSON.stringify({ subtree: 4, tasks: [task(1), task('x')] }, null, 2));
    // Pretty-printed: the second task starts on line 9.
    await expect(loadTasksFile(bad)).rejects.toThrow(
      /bad\.json: invalid tasks file at tasks\[1\]\.pathLength \(line 12\): Invalid input: expected number/,
    );
    await writeFile(bad, '{"subtree": 4,\n "tasks": [{"source": "page_5", "target": page_0}]}');
    await expect(loadTasksFile(bad)).rejects.toThrow(
      /bad\.json: not valid JSON at line 2, column 43: expected a value .* found "p"/,
    );
  });
});
