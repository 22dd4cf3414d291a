import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINI_WORLD } from '../../test-utils/fixtures.js';
import { ImageStore } from './image-store.js';

const IMAGES = path.join(MINI_WORLD, 'images');
const url = (page: number) =>
  `data:image/png;base64,${readFileSync(path.join(IMAGES, `page_${page}.png`)).toString('base64')}`;

describe('ImageStore', () => {
  it('writes one file per distinct image, keeps the most recent unused ones, and removes all on close', async () => {
    const store = new ImageStore(1);
    const [a, b] = await store.acquire([url(1), url(1)]);
    expect(a).toBe(b);
    expect(readFileSync(a!)).toEqual(readFileSync(path.join(IMAGES, 'page_1.png')));
    const [c] = await store.acquire([url(2)]);
    store.release([a!, b!]);
    // page_1 is unused and the only unused file: kept.
    expect([existsSync(a!), store.size]).toEqual([true, 2]);
    store.release([c!]);
    // Two unused files where one is kept: the least recently used (page_1) goes.
    await new Promise((r) => setTimeout(r, 20));
    expect([existsSync(a!), existsSync(c!), store.size]).toEqual([false, true, 1]);
    store.close();
    expect(existsSync(store.dir)).toBe(false);
  });
});
