import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  GELAB_OUTPUT_FILE_NAMES,
  generateWorld,
  parseWorld,
  subtreeTasks,
  UI_STRUCTURE_FILE,
  WORLD_PRESETS,
} from '@guinav/data-gen';
import { beforeAll, describe, expect, it } from 'vitest';
import { guinavProcess } from './test-utils/guinav-process.js';

// Interrupts with real signals on the built CLI in a child process: SIGTERM, a double Ctrl-C and
// kill -9 must each leave the old output (or none) and no staging folder, or, for kill -9, a
// staging folder that the next run of the command removes.

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', 'test-fixtures');
/** A 1 x 1 PNG: data gelab checks that every screenshot is a PNG, not what it shows. */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let tmp = '';
let gelabWorld = '';
let gelabImages = '';
let gelabTasks = '';

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-interrupts-'));
  const structure = generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 42 });
  gelabWorld = path.join(tmp, 'gelab', UI_STRUCTURE_FILE);
  gelabImages = path.join(tmp, 'gelab', 'images');
  await mkdir(gelabImages, { recursive: true });
  await writeFile(gelabWorld, JSON.stringify(structure));
  for (const page of Object.keys(structure.pages)) await writeFile(path.join(gelabImages, `${page}.png`), PIXEL_PNG);
  const tasks = subtreeTasks(parseWorld(structure, gelabWorld), 4).map(({ source, target, pathLength }) => ({
    source,
    target,
    pathLength,
  }));
  gelabTasks = path.join(tmp, 'gelab', 'tasks_test.json');
  await writeFile(gelabTasks, JSON.stringify({ subtree: 4, tasks }));
});

/** Every file below `dir` (hidden ones included) with its bytes. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, file)] = (await readFile(file)).toString('base64');
    }
  }
  return out;
}

/** Staging entries (ours are named `*guinav-staging-*`) in `dir` and next to it. */
async function stagingNear(dir: string): Promise<string[]> {
  const list = async (d: string) => (await readdir(d).catch(() => [] as string[])).filter((e) => e.includes('staging'));
  return [...(await list(dir)), ...(await list(path.dirname(dir)))];
}

/** An output folder from an earlier run (its files' contents do not matter, only that they survive). */
async function earlierOutput(dir: string, files: readonly string[]): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  for (const f of files) await writeFile(path.join(dir, f), `earlier ${f}\n`);
  return snapshot(dir);
}

describe('world generate, interrupted for real', () => {
  it('SIGTERM: exit 143, no folder, no staging', async () => {
    const out = path.join(tmp, 'sigterm-world');
    const run = await guinavProcess(['world', 'generate', '--preset', 'mini', '--out', out], {
      when: /world render: 0\//,
      signals: ['SIGTERM'],
    });
    expect(run.code).toBe(143);
    expect(run.stderr).toContain('guinav: interrupted (SIGTERM); nothing was written');
    expect(await readdir(tmp)).not.toContain('sigterm-world');
    expect(await stagingNear(out)).toEqual([]);
  });

  it('a double Ctrl-C into an existing world: exit 130, the world byte for byte as it was, no staging', async () => {
    const out = path.join(tmp, 'double-ctrl-c-world');
    await cp(path.join(FIXTURES, 'worlds', 'mini'), out, { recursive: true });
    const before = await snapshot(out);
    const run = await guinavProcess(['world', 'generate', '--preset', 'mini', '--seed', '5', '--out', out], {
      when: /world render: 0\//,
      signals: ['SIGINT', 'SIGINT'],
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('guinav: interrupted again (SIGINT); stopped at once, outputs left as they were');
    expect(await snapshot(out)).toEqual(before);
    expect(await stagingNear(out)).toEqual([]);
  });

  it('kill -9 leaves a staging folder that the next run of the command removes', async () => {
    const out = path.join(tmp, 'killed-world');
    await cp(path.join(FIXTURES, 'worlds', 'mini'), out, { recursive: true });
    const args = ['world', 'generate', '--preset', 'mini', '--seed', '6', '--out', out];
    const killed = await guinavProcess(args, { when: /world render: 0\//, signals: ['SIGKILL'] });
    expect(killed.signal).toBe('SIGKILL');
    expect(await stagingNear(out)).toEqual([expect.stringMatching(`^\\.guinav-staging-${killed.pid}-`)]);
    const again = await guinavProcess(args);
    expect(again.code).toBe(0);
    expect(await stagingNear(out)).toEqual([]);
    expect(JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8'))).toMatchObject({ seed: 6 });
  });
});

describe('data gelab, interrupted for real while it writes', () => {
  const args = (out: string) => [
    ...['data', 'gelab', '--ui-structure', gelabWorld, '--images-dir', gelabImages, '--out', out],
    // Path data of one subtree keeps the run short; DPO pairs make the write phase last about a second.
    ...['--sft-subtrees', '0', '--rl-subtrees', '', '--dpo'],
  ];

  it('SIGTERM: exit 143, the earlier datasets as they were, no staging', async () => {
    const out = path.join(tmp, 'sigterm-data');
    const before = await earlierOutput(out, GELAB_OUTPUT_FILE_NAMES);
    const run = await guinavProcess(args(out), { when: /gelab write: 0\//, signals: ['SIGTERM'] });
    expect(run.code).toBe(143);
    expect(run.stderr).toContain('guinav: interrupted (SIGTERM); nothing was written');
    expect(await snapshot(out)).toEqual(before);
    expect(await stagingNear(out)).toEqual([]);
  });

  it('a double Ctrl-C: exit 130, the earlier datasets as they were, no staging', async () => {
    const out = path.join(tmp, 'double-ctrl-c-data');
    const before = await earlierOutput(out, GELAB_OUTPUT_FILE_NAMES);
    const run = await guinavProcess(args(out), { when: /gelab write: 0\//, signals: ['SIGINT', 'SIGINT'] });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('guinav: interrupted again (SIGINT); stopped at once, outputs left as they were');
    expect(await snapshot(out)).toEqual(before);
    expect(await stagingNear(out)).toEqual([]);
  });
});

describe('eval interactive, interrupted for real while it writes', () => {
  it('Ctrl-C: exit 130, the earlier results as they were, no staging', async () => {
    const out = path.join(tmp, 'ctrl-c-eval');
    const before = await earlierOutput(out, ['metrics.json', 'episodes.jsonl']);
    const run = await guinavProcess(
      [
        ...['eval', 'interactive', '--ui-structure', gelabWorld, '--tasks', gelabTasks, '--out', out],
        ...['--agent', 'oracle', '--observation', 'text', '--attempts', '4'],
      ],
      { when: /eval interactive write: 0\//, signals: ['SIGINT'] },
    );
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('guinav: interrupted (Ctrl-C); nothing was written');
    expect(await snapshot(out)).toEqual(before);
    expect(await stagingNear(out)).toEqual([]);
  });
});
