import { link, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputApart } from './inputs-apart.js';

describe('checkOutputApart', () => {
  it('refuses an output file that is an input, also through a symlink or a hard link', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-apart-'));
    const preds = path.join(dir, 'p.jsonl');
    await writeFile(preds, '{}\n');
    const out = (p: string) => ({ label: '--out', path: p, files: [p] });
    const input = { label: '--predictions', path: preds };
    await expect(checkOutputApart(out(preds), [input])).rejects.toThrow(
      `--out ${preds}: is also the input --predictions ${preds}; writing it would destroy the input (choose another --out)`,
    );
    await symlink(preds, path.join(dir, 'alias.jsonl'));
    await link(preds, path.join(dir, 'hard.jsonl'));
    await expect(checkOutputApart(out(path.join(dir, 'alias.jsonl')), [input])).rejects.toThrow(/is also the input/);
    await expect(checkOutputApart(out(path.join(dir, 'hard.jsonl')), [input])).rejects.toThrow(/is also the input/);
    // Relative and absolute spellings of the same file.
    const relative = path.relative(process.cwd(), preds);
    await expect(checkOutputApart(out(relative), [input])).rejects.toThrow(/is also the input/);
    await expect(checkOutputApart(out(path.join(dir, 'scores.json')), [input, undefined])).resolves.toBeUndefined();
  });

  it('refuses a folder output that would write over an input file, and an output inside an input folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-apart-'));
    const tasks = path.join(dir, 'run', 'episodes.jsonl');
    await mkdir(path.dirname(tasks));
    await writeFile(tasks, '{}');
    const run = path.join(dir, 'run');
    const files = ['metrics.json', 'episodes.jsonl'].map((f) => path.join(run, f));
    await expect(
      checkOutputApart({ label: '--out', path: run, files }, [{ label: '--tasks', path: tasks }]),
    ).rejects.toThrow(
      `--out ${run}: would write ${files[1]}, which is the input --tasks ${tasks} (choose another --out)`,
    );
    const episodes = path.join(dir, 'annotations');
    await mkdir(episodes);
    const pairs = path.join(episodes, 'pairs.json');
    await expect(
      checkOutputApart({ label: '--out', path: pairs, files: [pairs] }, [{ label: '--episodes', path: episodes }]),
    ).rejects.toThrow(`--out ${pairs}: is inside --episodes ${episodes}; write the output elsewhere`);
    // A folder output that merely holds an input it does not write (a world folder and its ui_structure.json) is fine.
    const world = path.join(dir, 'world');
    await mkdir(world);
    await writeFile(path.join(world, 'ui_structure.json'), '{}');
    await expect(
      checkOutputApart({ label: '--out', path: world, files: [path.join(world, 'images', 'page_0.png')] }, [
        { label: '--ui-structure', path: path.join(world, 'ui_structure.json') },
      ]),
    ).resolves.toBeUndefined();
  });
});
