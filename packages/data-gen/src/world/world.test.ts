import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyStructure } from '../test-utils/fixtures.js';
import { WorldValidationError } from './errors.js';
import { BACK_BBOX as BACK, slotBbox as slot } from './layout.js';
import type { PixelBbox, UiStructure } from './schema.js';
import { comparePageIds, loadWorld, parseWorld, subtreePages } from './world.js';

function issuesOf(mutate: (w: UiStructure) => void): string[] {
  const w = tinyStructure();
  mutate(w);
  try {
    parseWorld(w, 'tiny.json');
  } catch (err) {
    expect(err).toBeInstanceOf(WorldValidationError);
    return (err as WorldValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected the world to be rejected');
}

describe('parseWorld', () => {
  it('derives root, parents, depths and subtrees from a valid world', () => {
    const world = parseWorld(tinyStructure(), 'tiny.json');
    expect(world.root).toBe('page_0');
    expect(world.subtreeRoots).toEqual(['page_1', 'page_2']);
    expect(world.parent.get('page_3')).toBe('page_1');
    expect(world.depth.get('page_3')).toBe(2);
    expect(subtreePages(world, 0)).toEqual(['page_1', 'page_3', 'page_4']);
    expect(() => subtreePages(world, 2)).toThrow(/subtree 2 does not exist/);
  });

  it('sorts page ids naturally', () => {
    expect(['page_10', 'page_2', 'page_1'].sort(comparePageIds)).toEqual(['page_1', 'page_2', 'page_10']);
  });

  it('reports schema errors with their path', () => {
    expect(issuesOf((w) => ((w.pages.page_1 as { depth: unknown }).depth = 'one'))).toEqual([
      expect.stringMatching(/^pages\.page_1\.depth: /),
    ]);
    expect(issuesOf((w) => ((w.pages.page_1?.layout.C_3 as { type: string }).type = 'button'))[0]).toMatch(
      /^pages\.page_1\.layout\.C_3\.type/,
    );
    // Array indices read like the graph checks' paths (and the docs): transitions[0], not transitions.0.
    expect(
      issuesOf((w) => ((w.pages.page_1?.transitions[0] as unknown as { target_page: number }).target_page = 5)),
    ).toEqual([expect.stringMatching(/^pages\.page_1\.transitions\[0\]\.target_page: Invalid input: expected string/)]);
  });

  it('rejects a transition to a missing page', () => {
    expect(
      issuesOf((w) => ((w.pages.page_1?.transitions[1] as { target_page: string }).target_page = 'page_9')),
    ).toContainEqual('pages.page_1.transitions[1].target_page: "page_9" is not a page of this world');
  });

  it('rejects an action missing from the layout, and a bbox that differs from it', () => {
    expect(issuesOf((w) => delete w.pages.page_1?.layout.C_3)).toContainEqual(
      'pages.page_1.transitions[1].action: "C_3" is not in page_1\'s layout',
    );
    expect(
      issuesOf((w) => ((w.pages.page_1?.transitions[1] as { icon_bbox: PixelBbox }).icon_bbox = slot(6)))[0],
    ).toMatch(/transitions\[1\]\.icon_bbox: .* differs from layout\.C_3\.bbox/);
  });

  it('rejects boxes outside the canvas or inverted', () => {
    const out = issuesOf((w) => {
      const c3 = w.pages.page_1?.layout.C_3;
      if (c3) c3.bbox = [1000, 2400, 1200, 2600];
      const t = w.pages.page_1?.transitions[1];
      if (t) t.icon_bbox = [1000, 2400, 1200, 2600];
    });
    expect(out).toContainEqual('pages.page_1.layout.C_3.bbox: [1000,2400,1200,2600] lies outside the 1179x2556 canvas');
    expect(
      issuesOf((w) => {
        const b = w.pages.page_2?.layout.back;
        if (b) b.bbox = [260, 60, 60, 260];
      })[0],
    ).toMatch(/must have x1 < x2/);
  });

  it('rejects the same action twice on a page', () => {
    expect(
      issuesOf((w) => w.pages.page_2?.transitions.push({ action: 'back', target_page: 'page_0', icon_bbox: BACK })),
    ).toContainEqual('pages.page_2.transitions[1].action: "back" appears twice on page_2');
  });

  it('rejects two roots, a second parent, and wrong system targets', () => {
    expect(issuesOf((w) => (w.pages.page_0 as { transitions: unknown[] }).transitions.pop())[0]).toMatch(
      /expected exactly one root page .* found 2: page_0, page_2/,
    );
    expect(
      issuesOf((w) => {
        if (w.pages.page_2) w.pages.page_2.layout.H_8 = { bbox: slot(2), type: 'normal' };
        w.pages.page_2?.transitions.push({ action: 'H_8', target_page: 'page_3', icon_bbox: slot(2) });
      }),
    ).toContainEqual(
      'pages.page_2.transitions[1].target_page: page_3 already has parent page_1 (normal edge "H_8"); normal edges must form a tree',
    );
    expect(
      issuesOf((w) => {
        // A normal edge back into the root leaves no page without a parent.
        if (w.pages.page_3) w.pages.page_3.layout.G_7 = { bbox: slot(2), type: 'normal' };
        w.pages.page_3?.transitions.push({ action: 'G_7', target_page: 'page_0', icon_bbox: slot(2) });
      }),
    ).toContainEqual(
      'pages: expected exactly one root page (no incoming normal edge), found none: every page is the target of a normal edge, so the normal edges form a cycle',
    );
    expect(
      issuesOf((w) => ((w.pages.page_3?.transitions[0] as { target_page: string }).target_page = 'page_0')),
    ).toContainEqual('pages.page_3.transitions[0].target_page: back leads to "page_0", expected "page_1"');
  });

  it('rejects pages no normal edge reaches from the root (a cycle of normal edges)', () => {
    const issues = issuesOf((w) => {
      // page_3 -> page_2 and page_2 -> page_3 form a cycle cut off from the root.
      const p0 = w.pages.page_0 as UiStructure['pages'][string];
      p0.transitions = p0.transitions.filter((t) => t.target_page !== 'page_2');
      w.pages.page_2?.transitions.push({ action: 'E_5', target_page: 'page_3', icon_bbox: slot(3) });
      if (w.pages.page_2) w.pages.page_2.layout.E_5 = { bbox: slot(3), type: 'normal' };
      w.pages.page_1?.transitions.splice(1, 1);
      w.pages.page_3?.transitions.push({ action: 'F_6', target_page: 'page_2', icon_bbox: slot(4) });
      if (w.pages.page_3) w.pages.page_3.layout.F_6 = { bbox: slot(4), type: 'normal' };
    });
    expect(issues).toContainEqual(
      'pages: 2 page(s) not reachable from root page_0 by normal edges (a cycle?): page_2, page_3',
    );
  });

  it('rejects a depth that disagrees with the tree and a wrong page count', () => {
    expect(issuesOf((w) => ((w.pages.page_3 as { depth: number }).depth = 5))).toContainEqual(
      'pages.page_3.depth: is 5, tree depth is 2',
    );
    expect(issuesOf((w) => (w.metadata.total_pages = 4))).toContainEqual(
      'metadata.total_pages: is 4 but the file has 5 pages',
    );
  });

  it('names the file in the message and loads from disk', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-world-'));
    const good = path.join(dir, 'ui_structure.json');
    await writeFile(good, JSON.stringify(tinyStructure()));
    expect((await loadWorld(good)).pageIds).toEqual(['page_0', 'page_1', 'page_2', 'page_3', 'page_4']);
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"pages": ');
    await expect(loadWorld(bad)).rejects.toThrow(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid world`),
    );
    await writeFile(bad, '{\n  "pages": {\n    "page_0": {"image": page_0.png}\n  }\n}');
    await expect(loadWorld(bad)).rejects.toThrow(
      '(file): not valid JSON at line 3, column 25: expected a value (object, array, string, number, true, false or null), found "p"',
    );
    await expect(loadWorld(path.join(dir, 'missing.json'))).rejects.toThrow(/cannot read world file/);
    // The same icon twice in one layout: JSON.parse would keep one silently.
    const text = JSON.stringify(tinyStructure(), null, 1).replace(
      '"C_3": {',
      '"C_3": {"bbox": [1, 2, 3, 4], "type": "normal"},\n"C_3": {',
    );
    await writeFile(bad, text);
    const line = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    await expect(loadWorld(bad)).rejects.toThrow(
      `pages.page_1.layout: "C_3" appears twice (lines ${line('"C_3"')} and ${line('"C_3"') + 1}); names must be unique`,
    );
  });
});
