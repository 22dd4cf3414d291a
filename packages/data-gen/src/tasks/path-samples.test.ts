import { describe, expect, it } from 'vitest';
import { pointInBbox } from '../actions/coords.js';
import { DataRng } from '../random/data-rng.js';
import { generateWorld } from '../world/generate.js';
import { WORLD_PRESETS } from '../world/presets.js';
import { parseWorld } from '../world/world.js';
import { pathSamples, randomPointPicker } from './path-samples.js';
import { shortestPath } from './shortest-paths.js';

const world = parseWorld(generateWorld({ nodesPerLevel: WORLD_PRESETS.gelab, seed: 7 }), 'gelab');

describe('pathSamples', () => {
  it('writes one click per step then complete, with the published prompt and answer strings', () => {
    const path = shortestPath(world, 'page_21', 'page_1');
    const samples = pathSamples(world, { source: 'page_21', target: 'page_1', path });
    // back box [60,60,260,260] -> [51,23,221,102]; centre (136, 62.5) rounds half to even -> 62.
    expect(samples.map((s) => [s.page, s.prompt, s.answer])).toEqual([
      [
        'page_21',
        '<image>Instruction: from page_21 to page_1. History: Null',
        "Explain:click back icon on page_21.\tAction: click(start_box='<|box_start|>(136,62)<|box_end|>')",
      ],
      [
        'page_6',
        '<image>Instruction: from page_21 to page_1. History: step1: click back icon on page_21.',
        "Explain:click back icon on page_6.\tAction: click(start_box='<|box_start|>(136,62)<|box_end|>')",
      ],
      [
        'page_1',
        '<image>Instruction: from page_21 to page_1. History: step1: click back icon on page_21.step2: click back icon on page_6.',
        'Explain: this is target page.\tAction: complete',
      ],
    ]);
    expect(samples.map((s) => s.step)).toEqual([0, 1, 2]);
    expect(samples[0]?.bboxNorm).toEqual([51, 23, 221, 102]);
    expect(samples[2]?.bbox).toBeNull();
  });

  it('random points stay inside the box and vary', () => {
    const pick = randomPointPicker(world, new DataRng(3));
    const points = Array.from({ length: 200 }, () => pick('page_6', 'back', [60, 60, 260, 260]));
    for (const p of points) expect(pointInBbox(p, [51, 23, 221, 102])).toBe(true);
    expect(new Set(points.map((p) => p.join(','))).size).toBeGreaterThan(150);
  });

  it('builds text-mode prompts from the page’s elements', () => {
    const [first] = pathSamples(
      world,
      { source: 'page_21', target: 'page_6', path: shortestPath(world, 'page_21', 'page_6') },
      {
        mode: 'text',
      },
    );
    expect(first?.prompt).toMatch(/^Screen: page_21\nElements \(name \[x1,y1,x2,y2\], 0-1000 scale\):\n/);
    expect(first?.prompt).toContain('back [51,23,221,102]');
    expect(first?.prompt).toMatch(/\nInstruction: from page_21 to page_6\. History: Null$/);
  });
});
