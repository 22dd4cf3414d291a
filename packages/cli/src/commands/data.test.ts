import { access, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  GELAB_OUTPUT_FILES as F,
  GELAB_OUTPUT_FILE_NAMES,
  writeGeneratedWorld,
  writeSyntheticOdyssey,
} from '@guinav/data-gen';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';

let dir = '';
let world = '';
let odyssey = '';
const { guinav, interruptedOn, stdout, stderr } = cliHarness();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-data-cli-'));
  world = path.join(dir, 'world');
  await writeGeneratedWorld({ outDir: world, nodesPerLevel: [5, 2, 1], seed: 4, render: { workers: 0 } });
  odyssey = path.join(dir, 'odyssey');
  await writeSyntheticOdyssey(odyssey, 1);
});
afterEach(() => vi.restoreAllMocks());

const gelab = (out: string, ...extra: string[]) =>
  guinav(
    'data',
    'gelab',
    '--ui-structure',
    path.join(world, 'ui_structure.json'),
    '--images-dir',
    path.join(world, 'images'),
    '--out',
    out,
    ...extra,
  );

describe('guinav data gelab', () => {
  it('writes the datasets and prints the per-subtree table', async () => {
    const out = path.join(dir, 'gelab');
    expect(await gelab(out, '--dpo', '--seed', '7')).toBe(0);
    expect(stderr()).not.toMatch(/guinav:/);
    expect((await readdir(out)).sort()).toEqual([...GELAB_OUTPUT_FILE_NAMES].sort());
    const stats = JSON.parse(await readFile(path.join(out, F.stats), 'utf8'));
    expect(stats.seed).toBe(7);
    // mini: each subtree has 5 pages; with the root 6 nodes -> 30 ordered pairs
    expect(stats.subtrees.map((s: { tasks: number }) => s.tasks)).toEqual([30, 30, 30, 30, 30]);
    expect(stdout()).toMatch(/subtree\s+root\s+pages\s+tasks\s+len1/);
    expect(stdout()).toMatch(/^\s+4\s+page_5\s+5\s+30\s/m);
    // One column of counts: names padded to the longest, icon_captioning.json (20 characters).
    expect(stdout()).toContain(`\n  ${F.sft}              ${stats.files[F.sft]}\n`);
    expect(stdout()).toContain(`\n  ${F.iconCaptioning}  ${stats.files[F.iconCaptioning]}\n`);
  });

  it('takes the split, relative image paths, icon samples and DPO strategies', async () => {
    const out = path.join(dir, 'gelab-custom');
    const code = await gelab(
      out,
      '--sft-subtrees',
      '3',
      '--rl-subtrees',
      '',
      '--test-subtree',
      '0',
      '--image-paths',
      'relative',
      '--icon-samples',
      '7',
      '--dpo-strategies',
      'premature-complete',
    );
    expect(stderr()).not.toMatch(/guinav:/);
    expect(code).toBe(0);
    const stats = JSON.parse(await readFile(path.join(out, F.stats), 'utf8'));
    expect(stats.split).toEqual({ sftSubtrees: [3], rlSubtrees: [], testSubtree: 0 });
    expect(stats.sft).toMatchObject({ captioning: 7, grounding: 7 });
    const [first] = JSON.parse(await readFile(path.join(out, F.test), 'utf8'));
    await access(path.resolve(out, first.images[0]));
    const dpo = (await readFile(path.join(out, F.dpo), 'utf8')).trim().split('\n');
    expect(new Set(dpo.map((l) => JSON.parse(l).strategy))).toEqual(new Set(['premature-complete']));
  });

  it('explains bad input and writes nothing', async () => {
    const out = path.join(dir, 'gelab-bad');
    expect(await gelab(out, '--test-subtree', '9')).toBe(1);
    expect(stderr()).toContain('--test-subtree: subtree 9 does not exist');
    expect(await gelab(out, '--sft-subtrees', '0,x')).not.toBe(0);
    expect(stderr()).toMatch(/--sft-subtrees.*expected comma-separated integers >= 0/);
    expect(await gelab(out, '--dpo-strategies', 'nope')).not.toBe(0);
    expect(stderr()).toMatch(/expected a comma-separated list of outside-bbox, wrong-icon/);
    expect(await guinav('data', 'gelab', '--ui-structure', 'missing.json', '--images-dir', world, '--out', out)).toBe(
      1,
    );
    expect(stderr()).toContain('missing.json: cannot read world file');
    await expect(access(out)).rejects.toThrow();
  });

  it('refuses an --out that is a file before doing any work', async () => {
    const file = path.join(dir, 'not-a-folder.json');
    await writeFile(file, '{}');
    expect(await gelab(file)).toBe(1);
    expect(stderr()).toContain(`guinav: --out ${file}: exists and is not a directory`);
    expect(stderr()).not.toMatch(/gelab datasets/); // failed before building anything
  });

  it('refuses --icon-samples that cannot fit in memory at once, and an --out inside --images-dir', async () => {
    const out = path.join(dir, 'too-many');
    const started = Date.now();
    expect(await gelab(out, '--icon-samples', '100000000')).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(stderr()).toMatch(
      /guinav: .*ui_structure\.json: 26 pages \(\d[\d,]* navigation tasks\) with --icon-samples 100,000,000 would need about \d+ GiB of memory; this process may use/,
    );
    await expect(access(out)).rejects.toThrow();
    const images = path.join(world, 'images');
    expect(await gelab(path.join(images, 'data'))).toBe(1);
    expect(stderr()).toContain(`guinav: --out ${path.join(images, 'data')}: is inside --images-dir ${images}`);
  });
});

describe('guinav data odyssey-dpo', () => {
  const episodes = () => path.join(odyssey, 'annotations');

  it('writes JSONL pairs for a split subset and reports them per strategy', async () => {
    const out = path.join(dir, 'pairs', 'odyssey_dpo_pairs.jsonl');
    const code = await guinav(
      'data',
      'odyssey-dpo',
      '--episodes',
      episodes(),
      '--split',
      path.join(odyssey, 'splits', 'random_split.json'),
      '--subset',
      'test',
      '--out',
      out,
      '--min-distance',
      'ams',
    );
    expect(stderr()).not.toMatch(/guinav:/);
    expect(code).toBe(0);
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(new Set(lines.map((l) => l.episode_id))).toEqual(new Set(['synthetic_0004']));
    // synthetic_0004: 6 steps, 4 point actions, 1 TYPE
    expect(stdout()).toContain(`wrote 11 pair(s) to ${out} (spatial 4, logical 6, text 1, scroll 0)`);
  });

  it('is reproducible by seed and restricts strategies', async () => {
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl');
    for (const out of [a, b]) {
      await guinav(
        'data',
        'odyssey-dpo',
        '--episodes',
        episodes(),
        '--out',
        out,
        '--strategies',
        'spatial,scroll',
        '--sigma',
        '80',
      );
    }
    expect(await readFile(a, 'utf8')).toBe(await readFile(b, 'utf8'));
    const strategies = new Set(
      (await readFile(a, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).strategy),
    );
    expect(strategies).toEqual(new Set(['spatial', 'scroll']));
  });

  it('explains bad arguments', async () => {
    const out = path.join(dir, 'never.jsonl');
    expect(
      await guinav('data', 'odyssey-dpo', '--episodes', episodes(), '--out', out, '--strategies', 'spatial,fuzzy'),
    ).not.toBe(0);
    expect(stderr()).toMatch(/expected a comma-separated list of spatial, logical, text, scroll; got "fuzzy"/);
    expect(await guinav('data', 'odyssey-dpo', '--episodes', episodes(), '--out', out, '--subset', 'train')).toBe(1);
    expect(stderr()).toContain('--subset: needs --split FILE');
    expect(
      await guinav('data', 'odyssey-dpo', '--episodes', episodes(), '--out', out, '--min-distance', 'far'),
    ).not.toBe(0);
    expect(stderr()).toMatch(/expected ams, or a distance >= 0/);
    // The seed's unconstrained noise made "rejections" AMS scores as correct: no longer offered.
    expect(
      await guinav('data', 'odyssey-dpo', '--episodes', episodes(), '--out', out, '--min-distance', 'none'),
    ).not.toBe(0);
    expect(await guinav('data', 'odyssey-dpo', '--episodes', episodes(), '--out', out, '--sigma', '-1')).not.toBe(0);
    expect(await guinav('data', 'odyssey-dpo', '--episodes', path.join(dir, 'nowhere'), '--out', out)).toBe(1);
    expect(stderr()).toMatch(/--episodes .*nowhere: cannot read the folder/);
    await expect(access(out)).rejects.toThrow();
  });

  it('takes the dataset root and writes the official prompt format when asked', async () => {
    const out = path.join(dir, 'official.jsonl');
    const code = await guinav(
      'data',
      'odyssey-dpo',
      '--episodes',
      odyssey,
      '--out',
      out,
      '--strategies',
      'logical',
      '--prompt-format',
      'official',
    );
    expect(stderr()).not.toMatch(/guinav:/);
    expect(code).toBe(0);
    const [first] = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const image = path.join(odyssey, 'screenshots', 'synthetic_0001_0.png');
    expect(first.images).toEqual([image]);
    expect(first.prompt).toBe(
      `Picture 1: <img>${image}</img>\nI'm looking for guidance on how to Use Chrome to look up the weather in Paris, then send the page to Alex with Messages.` +
        '\nPrevious screenshots: None\nPrevious Actions: None\nProvide the command-style action directly.',
    );
  });

  it('writes no pair that `eval static --format odyssey` scores as correct', async () => {
    const out = path.join(dir, 'all-strategies.jsonl');
    expect(await guinav('data', 'odyssey-dpo', '--episodes', odyssey, '--out', out, '--seed', '3')).toBe(0);
    const pairs = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Each rejection as a prediction of its step, with the step's category and sam2_bbox.
    const lines: string[] = [];
    for (const p of pairs) {
      const file = path.join(odyssey, 'annotations', `${p.episode_id}.json`);
      const episode = JSON.parse(await readFile(file, 'utf8'));
      const step = episode.steps[p.step];
      const category = episode.task_info.category;
      lines.push(
        JSON.stringify({
          episode_id: `${p.episode_id}/${p.strategy}`,
          category,
          gt: p.chosen,
          pred: p.rejected,
          sam2_bbox: step.sam2_bbox,
        }),
      );
    }
    const predictions = path.join(dir, 'rejections.jsonl');
    await writeFile(predictions, `${lines.join('\n')}\n`);
    const metrics = path.join(dir, 'rejections-metrics.json');
    const args = ['--format', 'odyssey', '--split', 'task', '--predictions', predictions, '--out', metrics];
    expect(await guinav('eval', 'static', ...args)).toBe(0);
    const m = JSON.parse(await readFile(metrics, 'utf8'));
    expect(m.count).toBe(pairs.length);
    expect(m.count).toBe(53);
    expect(m.AMS).toBe(0);
  });

  it('refuses an --out that is a directory before reading the episodes', async () => {
    expect(await guinav('data', 'odyssey-dpo', '--episodes', episodes(), '--out', dir)).toBe(1);
    expect(stderr()).toContain(`guinav: --out ${dir}: is a directory; expected a file path`);
    expect(stderr()).not.toMatch(/odyssey-dpo pairs/);
  });

  it('refuses an --out that would replace an episode file', async () => {
    const episode = path.join(episodes(), 'synthetic_0001.json');
    const before = await readFile(episode, 'utf8');
    expect(await guinav('data', 'odyssey-dpo', '--episodes', episodes(), '--out', episode)).toBe(1);
    expect(stderr()).toContain(
      `guinav: --out ${episode}: is inside --episodes ${episodes()}; write the output elsewhere`,
    );
    expect(await readFile(episode, 'utf8')).toBe(before);
  });
});

describe('Ctrl-C', () => {
  it('data gelab: exit 130 and the previous output left as it was', async () => {
    const out = path.join(dir, 'gelab-int');
    const args = ['data', 'gelab', '--ui-structure', path.join(world, 'ui_structure.json')];
    args.push('--images-dir', path.join(world, 'images'), '--out', out);
    expect(await interruptedOn(/gelab datasets/, ...args)).toBe(130);
    expect(stderr()).toContain('guinav: interrupted (Ctrl-C); nothing was written');
    await expect(access(out)).rejects.toThrow();
    expect(await guinav(...args, '--seed', '1')).toBe(0);
    const before = await readFile(path.join(out, F.sft), 'utf8');
    expect(await interruptedOn(/gelab datasets/, ...args, '--seed', '2')).toBe(130);
    expect(await readFile(path.join(out, F.sft), 'utf8')).toBe(before);
    expect((await readdir(out)).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('data odyssey-dpo: exit 130 and no output file', async () => {
    const out = path.join(dir, 'int', 'pairs.jsonl');
    const code = await interruptedOn(
      /odyssey-dpo pairs/,
      ...['data', 'odyssey-dpo', '--episodes', path.join(odyssey, 'annotations'), '--out', out],
    );
    expect(code).toBe(130);
    await expect(access(path.dirname(out))).rejects.toThrow();
  });
});
