import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inProcessRasterizer, workerRasterizer } from './rasterizer.js';

const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3" fill="red"/></svg>';

describe('rasterizers', () => {
  it('write PNGs in this thread or in workers, and name the file when rendering fails, leaving no temp file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-raster-'));
    for (const [name, r] of [
      ['main', inProcessRasterizer()],
      ['worker', workerRasterizer(1)],
    ] as const) {
      try {
        const ok = path.join(dir, `${name}.png`);
        await r.rasterize(svg, ok);
        const png = await readFile(ok);
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([4, 3]);
        const bad = path.join(dir, `${name}-bad.png`);
        await expect(r.rasterize('<svg', bad)).rejects.toThrow(`${bad}: cannot render`);
      } finally {
        await r.close();
      }
    }
    expect((await readdir(dir)).sort()).toEqual(['main.png', 'worker.png']);
  });
});
