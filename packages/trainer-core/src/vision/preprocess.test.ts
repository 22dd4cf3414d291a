import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { miniScreenshot } from '../test-utils/micro-vlm.js';
import { tempDirs } from '../test-utils/temp-dirs.js';
import { parseImageProcessorConfig, siglipImageProcessorJson } from './image-processor-config.js';
import { ImagePreprocessor } from './preprocess.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures');
const PAGE = miniScreenshot(3);
const tmp = tempDirs('guinav-preprocess-');

const siglip = (size: number) => parseImageProcessorConfig(siglipImageProcessorJson(size));

/** A w x h image of raw pixels written as PNG. */
async function png(name: string, w: number, h: number, channels: 1 | 3 | 4, pixels: number[]): Promise<string> {
  const file = path.join(tmp(), name);
  await sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels } })
    .png()
    .toFile(file);
  return file;
}

describe('image processor config', () => {
  it('reads SigLIP keys with transformers defaults and names bad fields', () => {
    expect(parseImageProcessorConfig({ size: { height: 64, width: 48 } })).toMatchObject({
      height: 64,
      width: 48,
      resample: 3,
      rescaleFactor: 1 / 255,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    expect(() => parseImageProcessorConfig({ size: { shortest_edge: 224 } }, 'p.json')).toThrow(
      /p\.json: field "size": .* is not supported/,
    );
    expect(() => parseImageProcessorConfig({ image_std: [0.5, 0, 0.5] }, 'p.json')).toThrow(/field "image_std"/);
  });
});

describe('ImagePreprocessor', () => {
  it('rescales and normalises exactly, channels first: (v / 255 - mean) / std', async () => {
    // 2 x 1 RGB: (0, 128, 255) and (255, 51, 0); no resize needed at 2 x 1.
    const file = await png('two.png', 2, 1, 3, [0, 128, 255, 255, 51, 0]);
    const p = new ImagePreprocessor({ ...siglip(1), height: 1, width: 2 });
    const { data, shape } = await p.load(file);
    expect(shape).toEqual([3, 1, 2]);
    const f = (v: number) => Math.fround(Math.fround(Math.fround(v / 255) - 0.5) / 0.5);
    expect([...data]).toEqual([f(0), f(255), f(128), f(51), f(255), f(0)]);
    expect(data[0]).toBe(-1);
    expect(data[1]).toBe(1);
  });

  it('drops alpha and expands grayscale to RGB', async () => {
    const rgba = await png('rgba.png', 1, 1, 4, [10, 20, 30, 0]);
    const gray = await png('gray.png', 1, 1, 1, [200]);
    const p = new ImagePreprocessor({ ...siglip(1), rescaleFactor: undefined, mean: undefined, std: undefined });
    expect([...(await p.resizedRgb(rgba))]).toEqual([10, 20, 30]);
    expect([...(await p.resizedRgb(gray))]).toEqual([200, 200, 200]);
  });

  it("resizes bicubically close to PIL's Image.BICUBIC (tools/fixtures/pil_resize_golden.py)", async () => {
    for (const [w, h] of [
      [32, 32],
      [64, 48],
    ] as const) {
      const pil = fs.readFileSync(path.join(FIXTURES, 'pil-bicubic', `page_3-${w}x${h}.rgb`));
      const ours = await new ImagePreprocessor({ ...siglip(1), height: h, width: w }).resizedRgb(PAGE);
      expect(ours.length).toBe(pil.length);
      let sum = 0;
      let max = 0;
      ours.forEach((v, i) => {
        const d = Math.abs(v - pil[i]!);
        sum += d;
        max = Math.max(max, d);
      });
      // libvips' and PIL's fixed-point cubic filters round differently at hard edges: measured
      // mean 0.13 / 0.08 levels, max 7 / 9 (a wrong kernel, e.g. lanczos3 or mitchell, gives 17-30).
      expect(sum / ours.length).toBeLessThan(0.25);
      expect(max).toBeLessThanOrEqual(12);
    }
  });

  it('decodes each file once, again after it changes, and stacks a batch', async () => {
    const file = await png('cached.png', 4, 4, 3, new Array(48).fill(100));
    const p = new ImagePreprocessor(siglip(2));
    await p.load(file);
    await p.load(file);
    expect(p.decodes).toBe(1);
    await sharp(Buffer.from(new Array(48).fill(0)), { raw: { width: 4, height: 4, channels: 3 } })
      .png()
      .toFile(`${file}.new`);
    fs.renameSync(`${file}.new`, file);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const changed = await p.load(file);
    expect(p.decodes).toBe(2);
    expect(changed.data[0]).toBe(-1);
    const batch = await p.loadBatch([file, file]);
    expect(batch.shape).toEqual([2, 3, 2, 2]);
    expect(p.decodes).toBe(2);
  });

  it('names the file it cannot read', async () => {
    const p = new ImagePreprocessor(siglip(2));
    const dir = tmp();
    await expect(p.load(path.join(dir, 'missing.png'))).rejects.toThrow(
      /missing\.png: cannot read the image \(ENOENT\)/,
    );
    fs.writeFileSync(path.join(dir, 'bad.png'), 'not a png');
    await expect(p.load(path.join(dir, 'bad.png'))).rejects.toThrow(/bad\.png: not a readable image/);
  });
});
