import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../world/generate.js';
import { WORLD_PRESETS } from '../world/presets.js';
import type { UiStructure } from '../world/schema.js';
import { parseWorld } from '../world/world.js';
import { loadIconDataUris, scanIconFolder } from './icon-folder.js';
import { renderWorld } from './render-world.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-render-'));
});

const miniStructure = () => generateWorld({ nodesPerLevel: WORLD_PRESETS.mini, seed: 11 });
const mini = parseWorld(miniStructure(), 'mini.json');

/** RGB of the output pixel that shows original-canvas point (px, py) of a 1179 x 2556 screen. */
async function pixelAt(file: string, px: number, py: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const x = Math.floor((px / 1179) * info.width);
  const y = Math.floor((py / 2556) * info.height);
  const at = (y * info.width + x) * 3;
  return [data[at] as number, data[at + 1] as number, data[at + 2] as number];
}

describe('renderWorld', () => {
  it('draws the published layout at 448x448: pink back, green home, white canvas, coloured icons', async () => {
    const dir = path.join(tmp, 'layout');
    const result = await renderWorld(mini, { imagesDir: dir, workers: 0 });
    expect(result).toEqual({ total: 26, rendered: 26, skipped: 0, size: { width: 448, height: 448 } });
    const file = path.join(dir, 'page_6.png'); // depth 2: back and home
    expect(await sharp(file).metadata()).toMatchObject({ width: 448, height: 448, format: 'png' });
    expect(await pixelAt(file, 70, 70)).toEqual([255, 200, 200]);
    expect(await pixelAt(file, 929, 70)).toEqual([200, 255, 200]);
    expect(await pixelAt(file, 589, 400)).toEqual([255, 255, 255]);
    for (const [name, entry] of Object.entries(mini.structure.pages.page_6?.layout ?? {})) {
      if (name === 'back' || name === 'home') continue;
      const [r, g, b] = await pixelAt(file, entry.bbox[0] + 100, entry.bbox[1] + 30);
      expect(Math.max(r, g, b) - Math.min(r, g, b), `icon ${name} is coloured`).toBeGreaterThan(40);
    }
    // the root has neither back nor home
    expect(await pixelAt(path.join(dir, 'page_0.png'), 70, 70)).toEqual([255, 255, 255]);
  });

  it('skips pages that are up to date and re-renders changed, missing or forced ones', async () => {
    const dir = path.join(tmp, 'skip');
    await renderWorld(mini, { imagesDir: dir, workers: 0 });
    expect((await renderWorld(mini, { imagesDir: dir, workers: 0 })).rendered).toBe(0);

    const moved: UiStructure = miniStructure();
    const page = moved.pages.page_3 as UiStructure['pages'][string];
    const [icon] = Object.keys(page.layout).filter((n) => n !== 'back');
    const free = [244, 2178, 444, 2378] as [number, number, number, number]; // bottom-left slot
    if (page.layout[icon as string]?.bbox.join() === free.join()) free[0] = 474;
    (page.layout[icon as string] as { bbox: number[] }).bbox = [free[0], free[1], free[0] + 200, free[3]];
    (page.transitions.find((t) => t.action === icon) as { icon_bbox: number[] }).icon_bbox = [
      free[0],
      free[1],
      free[0] + 200,
      free[3],
    ];
    expect((await renderWorld(parseWorld(moved, 'moved'), { imagesDir: dir, workers: 0 })).rendered).toBe(1);

    await rm(path.join(dir, 'page_7.png'));
    expect((await renderWorld(mini, { imagesDir: dir, workers: 0 })).rendered).toBe(2); // page_7 and page_3 back
    expect((await renderWorld(mini, { imagesDir: dir, workers: 0, force: true })).rendered).toBe(26);
  });

  it('worker threads and the main thread produce identical files', async () => {
    const a = path.join(tmp, 'main');
    const b = path.join(tmp, 'workers');
    await renderWorld(mini, { imagesDir: a, workers: 0 });
    await renderWorld(mini, { imagesDir: b, workers: 2 });
    for (const id of ['page_0', 'page_9', 'page_25']) {
      expect((await readFile(path.join(b, `${id}.png`))).equals(await readFile(path.join(a, `${id}.png`)))).toBe(true);
    }
  });

  it('honours --size and --keep-aspect', async () => {
    const dir = path.join(tmp, 'aspect');
    const r = await renderWorld(mini, { imagesDir: dir, workers: 0, keepAspect: true });
    expect(r.size).toEqual({ width: 207, height: 448 });
    expect(await sharp(path.join(dir, 'page_1.png')).metadata()).toMatchObject({ width: 207, height: 448 });
    const big = await renderWorld(mini, {
      imagesDir: path.join(tmp, 'big'),
      workers: 0,
      size: { width: 300, height: 650 },
    });
    expect(big.size).toEqual({ width: 300, height: 650 });
  });

  it('refuses an image field that is not a plain file name', async () => {
    const s = miniStructure();
    (s.pages.page_2 as { image: string }).image = '../escape.png';
    await expect(
      renderWorld(parseWorld(s, 'bad.json'), { imagesDir: path.join(tmp, 'bad'), workers: 0 }),
    ).rejects.toThrow('bad.json: pages.page_2.image must be a file name like "page_2.png", got "../escape.png"');
  });
});

describe('icon folders', () => {
  async function makeIconFolder(dir: string, icons: Record<string, [number, number, number]>): Promise<void> {
    for (const [rel, [r, g, b]] of Object.entries(icons)) {
      const file = path.join(dir, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await sharp({ create: { width: 64, height: 64, channels: 3, background: { r, g, b } } })
        .png()
        .toFile(file);
    }
  }

  it('maps <Category>/PNG/<n>.png to underscore names and draws the artwork', async () => {
    const dir = path.join(tmp, 'icons');
    const colours: Record<string, [number, number, number]> = {};
    for (let n = 1; n <= 30; n++) colours[`Digital electronics/PNG/${n}.png`] = [n * 8, 40, 200];
    await makeIconFolder(dir, colours);
    await mkdir(path.join(dir, 'README-not-a-category'), { recursive: true });
    const icons = await scanIconFolder(dir);
    expect(icons.size).toBe(30);
    expect(icons.get('Digital_electronics_7')).toBe(path.join(dir, 'Digital electronics', 'PNG', '7.png'));

    const world = parseWorld(
      generateWorld({ nodesPerLevel: WORLD_PRESETS.mini, seed: 2, iconNames: [...icons.keys()] }),
      'w',
    );
    const out = path.join(tmp, 'icons-out');
    await renderWorld(world, { imagesDir: out, iconsDir: dir, workers: 0 });
    const [name, entry] = Object.entries(world.structure.pages.page_0?.layout ?? {})[0] as [string, { bbox: number[] }];
    const n = Number(/_(\d+)$/.exec(name)?.[1]);
    expect(
      await pixelAt(path.join(out, 'page_0.png'), (entry.bbox[0] as number) + 100, (entry.bbox[1] as number) + 100),
    ).toEqual([n * 8, 40, 200]);
  });

  it('names the folder and the missing icons, or the expected layout', async () => {
    const dir = path.join(tmp, 'few-icons');
    await makeIconFolder(dir, { 'Weather/PNG/1.png': [1, 2, 3] });
    await expect(renderWorld(mini, { imagesDir: path.join(tmp, 'x'), iconsDir: dir, workers: 0 })).rejects.toThrow(
      new RegExp(
        `^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no artwork for 25 icon\\(s\\) of the world: \\w+ \\(on page_0\\)`,
      ),
    );
    const empty = path.join(tmp, 'empty-icons');
    await mkdir(path.join(empty, 'Weather'), { recursive: true });
    await expect(scanIconFolder(empty)).rejects.toThrow(
      /no icons found; expected the layout <Category>\/PNG\/<n>\.png/,
    );
    await expect(scanIconFolder(path.join(tmp, 'nope'))).rejects.toThrow(/nope: cannot read the icon folder/);
    const corrupt = path.join(tmp, 'corrupt-icons');
    await mkdir(path.join(corrupt, 'Weather', 'PNG'), { recursive: true });
    await writeFile(path.join(corrupt, 'Weather', 'PNG', '1.png'), 'not a png');
    await expect(
      loadIconDataUris(corrupt, await scanIconFolder(corrupt), [{ page: 'page_0', icon: 'Weather_1' }]),
    ).rejects.toThrow(/Weather\/PNG\/1\.png: cannot read icon "Weather_1"/);
    await makeIconFolder(path.join(tmp, 'dupe'), { 'Weather/PNG/1.png': [0, 0, 0], 'Weather /PNG/1.png': [0, 0, 0] });
    await expect(scanIconFolder(path.join(tmp, 'dupe'))).rejects.toThrow(/two files give the icon name "Weather_1"/);
  });
});
