import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDER_MANIFEST } from '../render/render-world.js';
import { WORLD_PRESETS } from './presets.js';
import { loadWorld } from './world.js';
import { writeGeneratedWorld, writeWorldScreenshots } from './world-files.js';

describe('writeGeneratedWorld', () => {
  it('writes ui_structure.json, config.json and one screenshot per page; same seed, same bytes', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-worldfiles-'));
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    const written = await writeGeneratedWorld({
      outDir: a,
      nodesPerLevel: WORLD_PRESETS.mini,
      seed: 5,
      preset: 'mini',
      render: { workers: 0 },
    });
    expect(written.render).toMatchObject({ total: 26, rendered: 26 });
    await writeGeneratedWorld({ outDir: b, nodesPerLevel: WORLD_PRESETS.mini, seed: 5, preset: 'mini', render: false });
    expect((await readdir(a)).sort()).toEqual(['config.json', 'images', 'ui_structure.json']);
    expect((await readdir(path.join(a, 'images'))).filter((f) => f.endsWith('.png'))).toHaveLength(26);
    expect(await readFile(path.join(b, 'ui_structure.json'), 'utf8')).toBe(
      await readFile(path.join(a, 'ui_structure.json'), 'utf8'),
    );
    expect((await loadWorld(path.join(a, 'ui_structure.json'))).pageIds).toHaveLength(26);
    expect(JSON.parse(await readFile(path.join(a, 'config.json'), 'utf8'))).toEqual({
      generator: 'guinav',
      preset: 'mini',
      seed: 5,
      tree_depth: 4,
      nodes_per_level: [5, 2, 1],
      canvas_size: [1179, 2556],
      icon_size: [200, 200],
      icons: 'procedural',
    });
    expect((await readdir(tmp)).sort()).toEqual(['a', 'b']); // no staging folders left behind
  });

  it('updates an existing folder in place, re-rendering only what changed', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-worldfiles-'));
    const out = path.join(tmp, 'w');
    await writeGeneratedWorld({ outDir: out, nodesPerLevel: WORLD_PRESETS.mini, seed: 5, render: { workers: 0 } });
    await writeFile(path.join(out, 'keep.txt'), 'x');
    const again = await writeGeneratedWorld({
      outDir: out,
      nodesPerLevel: WORLD_PRESETS.mini,
      seed: 5,
      render: { workers: 0 },
    });
    expect(again.render).toMatchObject({ rendered: 0, skipped: 26 });
    const other = await writeGeneratedWorld({
      outDir: out,
      nodesPerLevel: WORLD_PRESETS.mini,
      seed: 6,
      render: { workers: 0 },
    });
    expect(other.render?.rendered).toBeGreaterThan(0);
    expect(await readFile(path.join(out, 'keep.txt'), 'utf8')).toBe('x');
    expect((await readdir(path.join(out, 'images'))).includes(RENDER_MANIFEST)).toBe(true);
  });

  it('leaves nothing behind when generation fails', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-worldfiles-'));
    await expect(
      writeGeneratedWorld({
        outDir: path.join(tmp, 'w'),
        nodesPerLevel: [5, 2],
        seed: 1,
        iconsDir: path.join(tmp, 'no-icons'),
      }),
    ).rejects.toThrow(/no-icons: cannot read the icon folder/);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('an interrupted run into an existing folder leaves it byte for byte as it was', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-worldfiles-'));
    const out = path.join(tmp, 'w');
    await writeGeneratedWorld({ outDir: out, nodesPerLevel: WORLD_PRESETS.mini, seed: 5, render: { workers: 0 } });
    const before = await snapshot(out);
    const controller = new AbortController();
    await expect(
      writeGeneratedWorld({
        outDir: out,
        nodesPerLevel: WORLD_PRESETS.mini,
        seed: 6,
        render: { workers: 0 },
        // Ctrl-C after the second new screenshot.
        onProgress: (e) => {
          if (e.done === 2) controller.abort(new Error('interrupted'));
        },
        signal: controller.signal,
      }),
    ).rejects.toThrow('interrupted');
    expect(await snapshot(out)).toEqual(before);
    expect(await readdir(tmp)).toEqual(['w']);
  });

  it('writeWorldScreenshots renders only what is out of date, and nothing when interrupted', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-worldfiles-'));
    const { world } = await writeGeneratedWorld({
      outDir: path.join(tmp, 'w'),
      nodesPerLevel: [2, 1],
      seed: 1,
      render: false,
    });
    const out = path.join(tmp, 'shots');
    const controller = new AbortController();
    const interrupted = writeWorldScreenshots(world, out, {
      workers: 0,
      onProgress: (e) => {
        if (e.done === 1) controller.abort(new Error('interrupted'));
      },
      signal: controller.signal,
    });
    await expect(interrupted).rejects.toThrow('interrupted');
    expect(await readdir(tmp)).toEqual(['w']);
    expect(await writeWorldScreenshots(world, out, { workers: 0 })).toMatchObject({ total: 5, rendered: 5 });
    expect(await writeWorldScreenshots(world, out, { workers: 0 })).toMatchObject({ rendered: 0, skipped: 5 });
    expect((await readdir(path.join(out, 'images'))).sort()).toEqual([
      RENDER_MANIFEST,
      'page_0.png',
      'page_1.png',
      'page_2.png',
      'page_3.png',
      'page_4.png',
    ]);
    expect(await readdir(out)).toEqual(['images']); // no staging folder left inside
  });

  it('refuses an output inside --icons, and a world file that a render would overwrite', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'guinav-worldfiles-'));
    const icons = path.join(tmp, 'icons');
    await mkdir(path.join(icons, 'Weather', 'PNG'), { recursive: true });
    const inIcons = path.join(icons, 'world');
    await expect(
      writeGeneratedWorld({ outDir: inIcons, nodesPerLevel: [2], seed: 1, iconsDir: icons, render: false }),
    ).rejects.toThrow(`--out ${inIcons}: is inside --icons ${icons}; write the output elsewhere`);
    // A world file kept where its own screenshot goes (odd, but it must survive the render).
    const { world } = await writeGeneratedWorld({
      outDir: path.join(tmp, 'w'),
      nodesPerLevel: [2],
      seed: 1,
      render: false,
    });
    const misplaced = path.join(tmp, 'out', 'images', 'page_1.png');
    await mkdir(path.dirname(misplaced), { recursive: true });
    await writeFile(misplaced, JSON.stringify(world.structure));
    await expect(
      writeWorldScreenshots(await loadWorld(misplaced), path.join(tmp, 'out'), { workers: 0 }),
    ).rejects.toThrow(
      `--out ${path.join(tmp, 'out')}: would write ${misplaced}, which is the input --ui-structure ${misplaced} (choose another --out)`,
    );
    expect(JSON.parse(await readFile(misplaced, 'utf8'))).toEqual(world.structure);
  });
});

/** Every file below `dir` (hidden ones included) with its bytes as base64. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = (await readFile(file)).toString('base64');
  }
  return out;
}
