import path from 'node:path';
import type { TinyVlmSize } from '../models/tiny-vlm/sizes.js';

/** A VLM small enough to create, train and run in a test: 32 px images, 16 image tokens. */
export const MICRO_VLM: TinyVlmSize = {
  image: { size: 32, patch: 8 },
  vision: { hidden: 32, layers: 1, heads: 2, intermediate: 64 },
  text: { hidden: 64, layers: 2, heads: 2, kvHeads: 1, intermediate: 128 },
};

/** A committed GE-Lab screenshot (448 x 448) of the mini world. */
export function miniScreenshot(page: number): string {
  return path.resolve(
    import.meta.dirname,
    '..',
    '..',
    '..',
    '..',
    'test-fixtures',
    'worlds',
    'mini',
    'images',
    `page_${page}.png`,
  );
}
