import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOutputDir } from './output-dir.js';
import { writeOutputFile } from './output-file.js';
import { removeAbandonedStaging, removeStagingNow, stagingOwner, stagingPath, trackStaging } from './staging.js';

/** The id of a process that has exited (so nothing owns staging named after it); one for the file. */
let dead = 0;
beforeAll(() => {
  dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']));
});

/** A staging name of `target` as process `pid` would have made it. */
const stagingOf = (target: string, pid: number, inside = false) =>
  path.basename(stagingPath(target, inside)).replace(`-${process.pid}-`, `-${pid}-`);

describe('staging names', () => {
  it('carry the owning process, and only names of the given output match', () => {
    const name = path.basename(stagingPath('/x/data'));
    expect(name).toMatch(new RegExp(`^\\.data\\.guinav-staging-${process.pid}-[0-9a-f]{8}-[0-9a-f]{12}$`));
    expect(stagingOwner(name, 'data')).toMatchObject({ pid: process.pid });
    expect(stagingOwner(name, 'dat')).toBeUndefined();
    expect(stagingOwner(path.basename(stagingPath('/x/data', true)), '')).toMatchObject({ pid: process.pid });
    expect(stagingOwner('.guinav-staging-1a2b3c', '')).toBeUndefined(); // not ours to judge
  });
});

describe('staging left by a killed process', () => {
  it('is removed by the next write of the same output; a live process’s staging is left alone', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-staging-'));
    const out = path.join(tmp, 'data');
    await mkdir(out);
    const abandoned = [stagingOf(out, dead, true), path.join('..', stagingOf(out, dead))];
    // The test runner's parent process is alive: its staging belongs to a concurrent run.
    const concurrent = stagingOf(out, process.ppid, true);
    for (const name of [...abandoned, concurrent]) await mkdir(path.join(out, name));
    await writeFile(path.join(out, abandoned[0] as string, 'sft.json'), '[{"half');
    await writeOutputDir(out, async (staging) => writeFile(path.join(staging, 'a.json'), '1'));
    expect((await readdir(out)).sort()).toEqual([concurrent, 'a.json'].sort());
    expect(await readdir(tmp)).toEqual(['data']);
  });

  it('is also recognised next to an output file', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-staging-'));
    const file = path.join(tmp, 'dpo.jsonl');
    const left = stagingOf(file, dead);
    await writeFile(path.join(tmp, left), '{"half');
    await writeFile(path.join(tmp, '.other.jsonl.guinav-staging-1-00000000-ab'), 'not ours');
    await writeOutputFile(file, ['{"a":1}\n']);
    expect((await readdir(tmp)).sort()).toEqual(['.other.jsonl.guinav-staging-1-00000000-ab', 'dpo.jsonl']);
    expect(await removeAbandonedStaging(path.join(tmp, 'none'), 'x')).toEqual([]);
  });

  it('removeStagingNow removes this process’s live staging at once (the second Ctrl-C)', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-staging-'));
    const staging = stagingPath(path.join(tmp, 'out'));
    await mkdir(staging);
    await writeFile(path.join(staging, 'part.png'), 'x');
    trackStaging(staging);
    expect(removeStagingNow()).toEqual([staging]);
    expect(await readdir(tmp)).toEqual([]);
    expect(removeStagingNow()).toEqual([]);
  });
});
