import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkImageFiles, imageFileProblem } from './image-files.js';

describe('image files', () => {
  it('accepts real PNG, JPEG and WebP files and names files that only carry the extension', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-images-'));
    const pixel = sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } });
    const file = (name: string) => path.join(dir, name);
    await writeFile(file('a.png'), await pixel.clone().png().toBuffer());
    await writeFile(file('b.jpg'), await pixel.clone().jpeg().toBuffer());
    await writeFile(file('c.webp'), await pixel.clone().webp().toBuffer());
    await writeFile(file('html.png'), '<html><body>404 Not Found</body></html>');
    await writeFile(file('empty.png'), '');
    await writeFile(file('png-named.jpg'), await pixel.clone().png().toBuffer());
    expect(await imageFileProblem(file('a.png'))).toBeUndefined();
    expect(await imageFileProblem(file('b.jpg'))).toBeUndefined();
    expect(await imageFileProblem(file('c.webp'))).toBeUndefined();
    expect(await imageFileProblem(file('html.png'))).toBe('not a PNG image');
    expect(await imageFileProblem(file('empty.png'))).toBe('empty, not a PNG image');
    expect(await imageFileProblem(file('png-named.jpg'))).toBe('not a JPEG image');
    expect(await imageFileProblem(file('gone.png'))).toBe('missing');
    const names = ['a.png', 'gone.png', 'html.png', 'b.jpg'];
    expect(await checkImageFiles(names.map(file), (f) => path.basename(f))).toEqual({
      missing: ['gone.png'],
      notImages: ['html.png (not a PNG image)'],
    });
  });
});
