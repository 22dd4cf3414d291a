import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTasksFile } from '../tasks/tasks-file.js';
import { WORLD_PRESETS } from '../world/presets.js';
import { writeGeneratedWorld } from '../world/world-files.js';
import { GELAB_OUTPUT_FILES as F, GELAB_OUTPUT_FILE_NAMES } from './dataset-files.js';
import { writeGelabDatasets } from './write-gelab.js';

let tmp: string;
let worldDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-gelab-'));
  worldDir = path.join(tmp, 'world');
  await writeGeneratedWorld({ outDir: worldDir, nodesPerLevel: WORLD_PRESETS.mini, seed: 9, render: { workers: 0 } });
});

const ui = () => path.join(worldDir, 'ui_structure.json');
const images = () => path.join(worldDir, 'images');
const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

describe('writeGelabDatasets', () => {
  it('writes every file, with absolute image paths by default', async () => {
    const out = path.join(tmp, 'data-abs');
    const { stats, files } = await writeGelabDatasets({
      uiStructure: ui(),
      imagesDir: images(),
      outDir: out,
      dpo: true,
    });
    expect((await readdir(out)).sort()).toEqual([...GELAB_OUTPUT_FILE_NAMES].sort());
    expect(files).toHaveLength(9);
    const sft = await readJson(path.join(out, F.sft));
    expect(sft).toHaveLength(stats.files[F.sft] as number);
    expect(sft[0].images[0]).toBe(path.join(images(), 'page_0.png'));
    await access(sft[0].images[0]);
    const written = await readJson(path.join(out, F.stats));
    expect(written).toEqual(JSON.parse(JSON.stringify(stats)));
    expect(written.subtrees[0]).toMatchObject({ index: 0, root: 'page_1', pages: 5, tasks: 30 });
    const dpoLines = (await readFile(path.join(out, F.dpo), 'utf8')).trim().split('\n');
    expect(dpoLines).toHaveLength(stats.files[F.dpo] as number);
    expect(JSON.parse(dpoLines[0] as string)).toHaveProperty('rejected');
    const tasks = await loadTasksFile(path.join(out, F.tasksTest));
    expect(tasks.tasks).toHaveLength(30);
    // mini: 2 RL subtrees x 30 tasks, one first-step record each.
    expect(await readJson(path.join(out, F.mtRl))).toHaveLength(60);
  });

  it('writes image paths relative to the output folder when asked, and they resolve', async () => {
    const out = path.join(tmp, 'nested', 'data-rel');
    await writeGelabDatasets({ uiStructure: ui(), imagesDir: images(), outDir: out, imagePaths: 'relative' });
    const [first] = await readJson(path.join(out, F.test));
    expect(first.images[0]).toMatch(/^\.\.\/\.\.\/world\/images\/page_\d+\.png$/);
    await access(path.resolve(out, first.images[0]));
    const [rl] = await readJson(path.join(out, F.stRl));
    await access(path.resolve(out, rl.image));
  });

  it('writes --images-dir as given, like the published data, when asked', async () => {
    const out = path.join(tmp, 'data-given');
    const relImages = path.relative(process.cwd(), images());
    await writeGelabDatasets({ uiStructure: ui(), imagesDir: relImages, outDir: out, imagePaths: 'as-given' });
    const [first] = await readJson(path.join(out, F.iconGrounding));
    expect(first.images[0]).toBe(`${relImages.split(path.sep).join('/')}/${path.basename(first.images[0])}`);
    await access(path.resolve(process.cwd(), first.images[0]));
  });

  it('checks the screenshots first and leaves no output when one is missing', async () => {
    const partial = path.join(tmp, 'partial-images');
    await mkdir(partial);
    for (const f of await readdir(images())) {
      if (f !== 'page_7.png' && f.endsWith('.png')) await writeFile(path.join(partial, f), '');
    }
    const out = path.join(tmp, 'data-missing');
    await expect(writeGelabDatasets({ uiStructure: ui(), imagesDir: partial, outDir: out })).rejects.toThrow(
      `--images-dir ${partial}: missing the screenshot of 1 of 26 page(s): page_7.png (render them with \`guinav world render\`)`,
    );
    await expect(access(out)).rejects.toThrow();
    await expect(
      writeGelabDatasets({ uiStructure: ui(), imagesDir: path.join(tmp, 'none'), outDir: out }),
    ).rejects.toThrow(/--images-dir .*none: not a readable directory/);
  });

  it('names the world file when it is invalid, and keeps an existing output untouched on failure', async () => {
    const out = path.join(tmp, 'data-keep');
    await writeGelabDatasets({ uiStructure: ui(), imagesDir: images(), outDir: out });
    const before = await readFile(path.join(out, F.sft), 'utf8');
    const bad = path.join(tmp, 'bad.json');
    await writeFile(bad, JSON.stringify({ pages: {}, metadata: { total_pages: 0 } }));
    await expect(writeGelabDatasets({ uiStructure: bad, imagesDir: images(), outDir: out })).rejects.toThrow(
      /bad\.json: invalid world/,
    );
    await expect(
      writeGelabDatasets({
        uiStructure: ui(),
        imagesDir: images(),
        outDir: out,
        split: { sftSubtrees: [0], rlSubtrees: [1], testSubtree: 0 },
      }),
    ).rejects.toThrow(/--test-subtree: subtree 0 is already in --sft-subtrees/);
    expect(await readFile(path.join(out, F.sft), 'utf8')).toBe(before);
    expect((await readdir(out)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('replaces the files of an existing output folder and leaves others alone', async () => {
    const out = path.join(tmp, 'data-rerun');
    await writeGelabDatasets({ uiStructure: ui(), imagesDir: images(), outDir: out, seed: 1 });
    await writeFile(path.join(out, 'notes.txt'), 'mine');
    const first = await readFile(path.join(out, F.test), 'utf8');
    await writeGelabDatasets({ uiStructure: ui(), imagesDir: images(), outDir: out, seed: 2 });
    expect(await readFile(path.join(out, F.test), 'utf8')).not.toBe(first);
    expect(await readFile(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect((await readdir(out)).sort()).toEqual([
      F.iconCaptioning,
      F.iconGrounding,
      F.mtRl,
      'notes.txt',
      F.sft,
      F.stRl,
      F.stats,
      F.tasksTest,
      F.test,
    ]);
    await rm(out, { recursive: true });
  });
});

describe('writeGelabDatasets refuses bad inputs before any work', () => {
  it('an output inside --images-dir, and screenshots that are not images', async () => {
    const inImages = path.join(images(), 'data');
    await expect(writeGelabDatasets({ uiStructure: ui(), imagesDir: images(), outDir: inImages })).rejects.toThrow(
      `--out ${inImages}: is inside --images-dir ${images()}; write the output elsewhere`,
    );
    const broken = path.join(tmp, 'broken-images');
    await mkdir(broken);
    for (const f of await readdir(images())) {
      if (f.endsWith('.png')) await writeFile(path.join(broken, f), await readFile(path.join(images(), f)));
    }
    await writeFile(path.join(broken, 'page_3.png'), '<html>404</html>');
    const out = path.join(tmp, 'data-broken');
    await expect(writeGelabDatasets({ uiStructure: ui(), imagesDir: broken, outDir: out })).rejects.toThrow(
      `--images-dir ${broken}: 1 of 26 screenshot(s) are not images: page_3.png (not a PNG image)`,
    );
    await expect(access(out)).rejects.toThrow();
  });

  it('a world file that is not UTF-8', async () => {
    const latin1 = path.join(tmp, 'latin1.json');
    const text = (await readFile(ui(), 'utf8')).replace('"page_0.png"', '"page_0\u00e9.png"');
    await writeFile(latin1, Buffer.from(text, 'latin1'));
    await expect(
      writeGelabDatasets({ uiStructure: latin1, imagesDir: images(), outDir: path.join(tmp, 'never') }),
    ).rejects.toThrow(new RegExp(`^${latin1.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid UTF-8 at line \\d+`));
  });

  it('reports the write phase in records, ending at the total', async () => {
    const events: { phase: string; done: number; total: number }[] = [];
    const out = path.join(tmp, 'data-progress');
    const { stats } = await writeGelabDatasets({
      uiStructure: ui(),
      imagesDir: images(),
      outDir: out,
      onProgress: (e) => events.push(e),
    });
    const writes = events.filter((e) => e.phase === 'write');
    const arrays = [F.sft, F.iconCaptioning, F.iconGrounding, F.stRl, F.mtRl, F.test];
    // One chunk per record plus the two brackets of each JSON array, and one per pretty-printed file.
    const total = arrays.reduce((n, f) => n + (stats.files[f] as number) + 2, 0) + 2;
    expect(writes[0]).toEqual({ phase: 'write', done: 0, total });
    expect(writes.at(-1)).toEqual({ phase: 'write', done: total, total });
    expect(events.findIndex((e) => e.phase === 'write')).toBeGreaterThan(
      events.findIndex((e) => e.phase === 'datasets'),
    );
  });
});
