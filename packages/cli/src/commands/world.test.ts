import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';

let dir = '';
const { guinav, interruptedOn, stdout, stderr } = cliHarness();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-world-cli-'));
});
afterEach(() => vi.restoreAllMocks());

/** Width and height from a PNG's IHDR chunk (bytes 16..23). */
async function pngSize(file: string): Promise<{ width: number; height: number }> {
  const png = await readFile(file);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('guinav world generate', () => {
  it('writes a mini world with screenshots; the same seed gives the same JSON; a rerun renders nothing', async () => {
    const a = path.join(dir, 'a');
    expect(await guinav('world', 'generate', '--preset', 'mini', '--seed', '3', '--out', a, '--workers', '0')).toBe(0);
    expect(stdout()).toContain('26 pages (nodes per level 5,2,1), seed 3');
    expect(stdout()).toContain('rendered 26 screenshot(s) at 448x448, 0 already up to date');
    expect((await readdir(path.join(a, 'images'))).filter((f) => f.endsWith('.png'))).toHaveLength(26);
    const b = path.join(dir, 'b');
    expect(await guinav('world', 'generate', '--preset', 'mini', '--seed', '3', '--out', b, '--no-render')).toBe(0);
    expect(stdout()).toContain('no screenshots (--no-render)');
    expect(await readFile(path.join(b, 'ui_structure.json'), 'utf8')).toBe(
      await readFile(path.join(a, 'ui_structure.json'), 'utf8'),
    );
    expect(await guinav('world', 'generate', '--preset', 'mini', '--seed', '3', '--out', a, '--workers', '0')).toBe(0);
    expect(stdout()).toContain('rendered 0 screenshot(s) at 448x448, 26 already up to date');
  });

  it('takes a custom shape, a size and --keep-aspect', async () => {
    const out = path.join(dir, 'custom');
    const code = await guinav(
      'world',
      'generate',
      '--nodes-per-level',
      '3,2',
      '--out',
      out,
      '--size',
      '200x400',
      '--keep-aspect',
    );
    expect(stderr()).not.toMatch(/guinav:|error/);
    expect(code).toBe(0);
    expect(stdout()).toContain('10 pages (nodes per level 3,2)');
    expect(await pngSize(path.join(out, 'images', 'page_0.png'))).toEqual({ width: 185, height: 400 }); // 1179 * 400 / 2556 = 184.5;
    const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ preset: null, nodes_per_level: [3, 2], seed: 42 });
  });

  it('explains bad arguments', async () => {
    const out = path.join(dir, 'bad');
    expect(await guinav('world', 'generate', '--preset', 'huge', '--out', out)).toBe(1);
    expect(stderr()).toContain('--preset: expected one of gelab, mini, got "huge"');
    expect(await guinav('world', 'generate', '--preset', 'mini', '--nodes-per-level', '2', '--out', out)).toBe(1);
    expect(stderr()).toContain('--preset and --nodes-per-level: give one or the other');
    expect(await guinav('world', 'generate', '--nodes-per-level', '2,x', '--out', out)).not.toBe(0);
    expect(stderr()).toMatch(/--nodes-per-level.*expected comma-separated integers >= 1/);
    expect(await guinav('world', 'generate', '--nodes-per-level', '40', '--out', out)).toBe(1);
    expect(stderr()).toContain('nodes per level[0]: expected an integer from 1 to 32');
    expect(await guinav('world', 'generate', '--size', '448', '--out', out)).toBe(1);
    expect(stderr()).toContain('--size: expected WIDTHxHEIGHT');
    await expect(readdir(out)).rejects.toThrow();
  });
});

describe('guinav world render', () => {
  it('renders an existing world into DIR/images', async () => {
    const src = path.join(dir, 'src');
    await guinav('world', 'generate', '--preset', 'mini', '--out', src, '--no-render');
    const out = path.join(dir, 'rendered');
    expect(await guinav('world', 'render', '--ui-structure', path.join(src, 'ui_structure.json'), '--out', out)).toBe(
      0,
    );
    expect(stdout()).toMatch(
      /rendered 26 screenshot\(s\) at 448x448, 0 already up to date into .*rendered\/images \(26 pages\)/,
    );
    expect(await pngSize(path.join(out, 'images', 'page_25.png'))).toEqual({ width: 448, height: 448 });
  });

  it('names the world file when it is invalid', async () => {
    const bad = path.join(dir, 'bad-world.json');
    await writeFile(bad, JSON.stringify({ pages: { page_0: { image: 'x.png' } }, metadata: {} }));
    expect(await guinav('world', 'render', '--ui-structure', bad, '--out', path.join(dir, 'never'))).toBe(1);
    expect(stderr()).toMatch(/bad-world\.json: invalid world/);
  });
});

describe('Ctrl-C', () => {
  it('world generate: exit 130, no new folder, an existing folder left as it was', async () => {
    const out = path.join(dir, 'interrupted');
    const args = ['world', 'generate', '--preset', 'mini', '--workers', '0', '--out', out];
    expect(await interruptedOn(/world render/, ...args)).toBe(130);
    expect(stderr()).toContain('guinav: interrupted (Ctrl-C); nothing was written');
    expect((await readdir(dir)).filter((f) => f.startsWith('interrupted'))).toEqual([]);

    expect(await guinav(...args, '--seed', '1')).toBe(0);
    const before = await readFile(path.join(out, 'ui_structure.json'), 'utf8');
    const image = await readFile(path.join(out, 'images', 'page_3.png'));
    expect(await interruptedOn(/world render/, ...args, '--seed', '2')).toBe(130);
    expect(await readFile(path.join(out, 'ui_structure.json'), 'utf8')).toBe(before);
    expect((await readFile(path.join(out, 'images', 'page_3.png'))).equals(image)).toBe(true);
    expect((await readdir(out, { recursive: true })).filter((f) => /staging|\.tmp$/.test(f))).toEqual([]);
  });

  it('world render: exit 130 and no images folder', async () => {
    const src = path.join(dir, 'src-int');
    await guinav('world', 'generate', '--preset', 'mini', '--out', src, '--no-render');
    const out = path.join(dir, 'render-int');
    const code = await interruptedOn(
      /world render/,
      ...['world', 'render', '--ui-structure', path.join(src, 'ui_structure.json'), '--out', out, '--workers', '0'],
    );
    expect(code).toBe(130);
    await expect(readdir(out)).rejects.toThrow();
  });
});
