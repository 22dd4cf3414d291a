import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OracleAgent } from '../agents/oracle.js';
import { runInteractive } from '../sim/runner.js';
import { tinyWorld } from '../test-utils/tiny-world.js';
import { writeInteractiveResults, writeJsonFile } from './results-files.js';

describe('results files', () => {
  it('writes episodes.jsonl (one line per episode) and metrics.json, creating the folder', async () => {
    const world = tinyWorld();
    const run = await runInteractive({
      world,
      tasks: [{ source: 'page_0', target: 'page_4', pathLength: 2 }],
      agent: new OracleAgent(world),
      attempts: 2,
      observation: 'text',
    });
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'results-')), 'nested', 'run');
    const files = await writeInteractiveResults(out, run);
    const lines = (await readFile(files.episodes, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1] as string)).toEqual(run.episodes[1]);
    expect(JSON.parse(await readFile(files.metrics, 'utf8'))).toEqual(run.metrics);
    // Only the two files: no temp files left behind.
    expect((await readdir(out)).sort()).toEqual(['episodes.jsonl', 'metrics.json']);
  });

  it('reports the write in episodes and leaves an existing output as it was when interrupted', async () => {
    const world = tinyWorld();
    const run = await runInteractive({
      world,
      tasks: [{ source: 'page_0', target: 'page_4', pathLength: 2 }],
      agent: new OracleAgent(world),
      attempts: 3,
      observation: 'text',
    });
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'results-')), 'run');
    const events: { done: number; total: number }[] = [];
    await writeInteractiveResults(out, run, { onProgress: (e) => events.push(e) });
    expect(events).toEqual([
      { phase: 'write', done: 0, total: 3 },
      { phase: 'write', done: 3, total: 3 },
    ]);
    const before = await readFile(path.join(out, 'episodes.jsonl'), 'utf8');
    const controller = new AbortController();
    const again = writeInteractiveResults(
      out,
      { ...run, episodes: [...run.episodes, ...run.episodes] },
      {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.done === 0) controller.abort(new Error('interrupted'));
        },
      },
    );
    await expect(again).rejects.toThrow('interrupted');
    expect(await readFile(path.join(out, 'episodes.jsonl'), 'utf8')).toBe(before);
    expect((await readdir(out)).sort()).toEqual(['episodes.jsonl', 'metrics.json']);
  });

  it('writes pretty JSON with a final newline', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'results-')), 'm.json');
    await writeJsonFile(file, { a: [1] });
    expect(await readFile(file, 'utf8')).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });
});
