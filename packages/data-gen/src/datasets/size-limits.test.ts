import { describe, expect, it } from 'vitest';
import { formatBytes } from '../io/memory.js';
import { generateWorld } from '../world/generate.js';
import { WORLD_PRESETS } from '../world/presets.js';
import { parseWorld } from '../world/world.js';
import { buildGelabDatasets } from './gelab-datasets.js';
import { checkGelabSize, GELAB_BYTES_PER_TASK, gelabTaskCount } from './size-limits.js';

const gelab = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 1 }), 'gelab.json');

describe('GE-Lab dataset size limits', () => {
  it('count the tasks as ordered page pairs of each subtree plus the root', () => {
    // 5 subtrees of 46 pages: 5 x 47 x 46 (the published 2,162 tasks per subtree).
    expect(gelabTaskCount(gelab)).toBe(10_810);
    expect(() => checkGelabSize(gelab, 2320)).not.toThrow();
  });

  it('refuse an 8,191-page world at once, with the sizes and what to do', () => {
    const huge = parseWorld(generateWorld({ nodesPerLevel: Array(12).fill(2), seed: 1 }), 'huge.json');
    // Two subtrees of 4,095 pages: 2 x 4,096 x 4,095 ordered pairs.
    expect(gelabTaskCount(huge)).toBe(33_546_240);
    const started = Date.now();
    expect(() =>
      buildGelabDatasets(huge, { imageOf: (p) => p, split: { sftSubtrees: [0], rlSubtrees: [], testSubtree: 1 } }),
    ).toThrow(
      /^huge\.json: 8191 pages \(33,546,240 navigation tasks\) would need about 768 GiB of memory; this process may use .*Use a smaller world/,
    );
    expect(Date.now() - started).toBeLessThan(5000); // at once, not after minutes of work
  });

  it('refuse --icon-samples that cannot fit, and take the limit into account', () => {
    expect(() => checkGelabSize(gelab, 100_000_000)).toThrow(
      /with --icon-samples 100,000,000 would need about \d+ GiB/,
    );
    const need = 10_810 * GELAB_BYTES_PER_TASK;
    expect(() => checkGelabSize(gelab, undefined, need)).toThrow(
      `gelab.json: 231 pages (10,810 navigation tasks) would need about ${formatBytes(need)} of memory; this process may use ${formatBytes(need)}.`,
    );
    expect(() => checkGelabSize(gelab, undefined, need / 0.8)).not.toThrow();
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect([512, 2048, 1.5 * 2 ** 30, 768 * 2 ** 30].map(formatBytes)).toEqual([
      '512 B',
      '2.0 KiB',
      '1.5 GiB',
      '768 GiB',
    ]);
  });
});
