import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ODYSSEY_PIPELINE_FILES as F } from '@guinav/data-gen';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';

let dir = '';
let root = '';
const { guinav, interruptedOn, stdout, stderr } = cliHarness();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-data-odyssey-'));
  root = path.join(dir, 'synthetic');
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('guinav data odyssey-synthetic', () => {
  it('writes a GUI-Odyssey dataset root and prints the episodes per category and the splits', async () => {
    expect(await guinav('data', 'odyssey-synthetic', '--out', root, '--episodes', '12', '--seed', '3')).toBe(0);
    expect(stderr()).not.toMatch(/guinav:/);
    expect((await readdir(root)).sort()).toEqual(['annotations', 'screenshots', 'splits', 'synthetic.json']);
    expect(await readdir(path.join(root, 'annotations'))).toHaveLength(12);
    expect(stdout()).toMatch(/^wrote 12 episodes \(\d+ steps, one 224 px wide screenshot each\) to .* \(seed 3\)$/m);
    expect(stdout()).toMatch(/^Web_Shopping\s+2\s+\d+$/m);
    expect(stdout()).toContain('splits (train/test) in');
    expect(stdout()).toMatch(/random 6\/6, task \d+\/\d+, device \d+\/\d+, app \d+\/\d+/);
    expect(stdout()).toContain('not GUI-Odyssey data');
  });

  it('explains bad counts', async () => {
    expect(await guinav('data', 'odyssey-synthetic', '--out', path.join(dir, 'x'), '--episodes', '0')).not.toBe(0);
    expect(stderr()).toMatch(/--episodes <n>.*expected a positive integer/);
    expect(await guinav('data', 'odyssey-synthetic', '--out', path.join(dir, 'x'), '--episodes', '100001')).toBe(1);
    expect(stderr()).toContain('--episodes: expected a whole number of episodes from 1 to 100000, got 100001');
    await expect(access(path.join(dir, 'x'))).rejects.toThrow();
  });
});

describe('guinav data odyssey', () => {
  it('writes SFT, DPO and test data from a dataset root and its random split', async () => {
    const out = path.join(dir, 'from-root');
    expect(await guinav('data', 'odyssey', '--episodes', root, '--out', out)).toBe(0);
    expect(stderr()).not.toMatch(/guinav:/);
    expect((await readdir(out)).sort()).toEqual([F.dpo, F.sft, F.stats, F.test].sort());
    const stats = JSON.parse(await readFile(path.join(out, F.stats), 'utf8'));
    expect(stats).toMatchObject({
      source: 'episodes',
      splitName: 'random',
      train: { episodes: 6 },
      test: { episodes: 6 },
    });
    expect(stdout()).toMatch(/^category\s+train episodes\s+steps\s+test episodes\s+steps$/m);
    expect(stdout()).toMatch(new RegExp(`^total\\s+6\\s+${stats.train.steps}\\s+6\\s+${stats.test.steps}$`, 'm'));
    expect(stdout()).toContain(`  ${F.sft}    ${stats.records.sft} records`);
    expect(stdout()).toContain(`episodes: ${root}`);
  });

  it('generates synthetic episodes into the output, then reuses them', async () => {
    const out = path.join(dir, 'synthetic-out');
    const args = ['data', 'odyssey', '--synthetic', '6', '--out', out, '--image-paths', 'relative'];
    expect(await guinav(...args)).toBe(0);
    expect(stderr()).not.toMatch(/guinav:/);
    expect(stdout()).toMatch(/episodes: 6 synthetic \(seed 42\) in .*synthetic-out\/episodes$/m);
    const [first] = JSON.parse(await readFile(path.join(out, F.sft), 'utf8'));
    await access(path.resolve(out, first.images[0]));
    expect(first.images[0]).toMatch(/^episodes\/screenshots\/synthetic_\d{4}_\d+\.png$/);
    expect(await guinav(...args)).toBe(0);
    expect(stdout()).toContain('(reused: same settings)');
  });

  it('explains what it needs and writes nothing', async () => {
    const out = path.join(dir, 'never');
    expect(await guinav('data', 'odyssey', '--out', out)).toBe(1);
    expect(stderr()).toContain('--episodes DIR or --synthetic [N]: say which episodes to use');
    expect(await guinav('data', 'odyssey', '--episodes', root, '--synthetic', '--out', out)).toBe(1);
    expect(stderr()).toContain('--episodes and --synthetic: give one');
    expect(
      await guinav(
        'data',
        'odyssey',
        '--episodes',
        root,
        '--split',
        'app',
        '--out',
        path.join(root, 'annotations', 'x'),
      ),
    ).toBe(1);
    expect(stderr()).toMatch(/--out .*annotations\/x: is inside --episodes/);
    expect(
      await guinav('data', 'odyssey', '--episodes', root, '--split', path.join(dir, 'none.json'), '--out', out),
    ).toBe(1);
    expect(stderr()).toMatch(/none\.json.*(no such file|cannot read)/);
    expect(await guinav('data', 'odyssey', '--synthetic', '1', '--out', out)).toBe(1);
    expect(stderr()).toContain('--synthetic: the pipeline needs at least 2 episodes');
    await expect(access(out)).rejects.toThrow();
  });

  it('Ctrl-C: exit 130 and no output', async () => {
    const out = path.join(dir, 'interrupted');
    expect(await interruptedOn(/odyssey render/, 'data', 'odyssey', '--synthetic', '12', '--out', out)).toBe(130);
    await expect(access(out)).rejects.toThrow();
  });
});
