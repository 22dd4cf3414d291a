import type { z } from 'zod';
import { duplicateJsonKeys, formatJsonPath, JsonSyntaxError, parseJson } from '../io/json-text.js';
import { readTextFile } from '../io/text-files.js';
import { type WorldIssue, WorldValidationError } from './errors.js';
import {
  BACK_ACTION,
  type Canvas,
  GELAB_CANVAS,
  HOME_ACTION,
  type Page,
  type PixelBbox,
  type Transition,
  UiStructure,
} from './schema.js';

/** A validated world plus the tree derived from its normal edges. */
export interface World {
  /** Where it came from (a file path, or a label), used in error messages. */
  source: string;
  structure: UiStructure;
  canvas: Canvas;
  root: string;
  /** Page ids in natural order: page_0, page_1, ..., page_10. */
  pageIds: string[];
  /** Parent of every non-root page along normal edges. */
  parent: ReadonlyMap<string, string>;
  /** Children along normal edges, in natural page order. */
  children: ReadonlyMap<string, readonly string[]>;
  /** Depth in the normal-edge tree (root = 0). */
  depth: ReadonlyMap<string, number>;
  /** The root's children in natural order; subtree index i is rooted at subtreeRoots[i]. */
  subtreeRoots: string[];
}

export interface LoadWorldOptions {
  canvas?: Canvas;
}

const pageNumber = /^(.*?)(\d+)$/;

/** Natural order for page ids, so page_10 sorts after page_9. */
export function comparePageIds(a: string, b: string): number {
  const ma = pageNumber.exec(a);
  const mb = pageNumber.exec(b);
  if (ma && mb && ma[1] === mb[1]) return Number(ma[2]) - Number(mb[2]);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isSystemAction(action: string): boolean {
  return action === BACK_ACTION || action === HOME_ACTION;
}

/** Reads, parses and validates a `ui_structure.json`. */
export async function loadWorld(file: string, options: LoadWorldOptions = {}): Promise<World> {
  const text = await readTextFile(file, 'world file');
  let json: unknown;
  try {
    json = parseJson(text, file);
  } catch (err) {
    const message = err instanceof JsonSyntaxError ? `not valid JSON at ${err.detail}` : (err as Error).message;
    throw new WorldValidationError(file, [{ path: '(file)', message }]);
  }
  // An icon listed twice in a layout (or a page twice) would silently lose one entry to JSON.parse.
  const duplicates = duplicateJsonKeys(text);
  if (duplicates.length) {
    throw new WorldValidationError(
      file,
      duplicates.map((d) => ({
        path: formatJsonPath(d.path),
        message: `"${d.key}" appears twice (lines ${d.first.line} and ${d.second.line}); names must be unique`,
      })),
    );
  }
  return parseWorld(json, file, options);
}

/** Validates an already-parsed world object: schema first, then graph integrity. */
export function parseWorld(json: unknown, source: string, options: LoadWorldOptions = {}): World {
  const parsed = UiStructure.safeParse(json);
  if (!parsed.success) throw new WorldValidationError(source, zodIssues(parsed.error));
  const structure = parsed.data;
  const canvas = options.canvas ?? GELAB_CANVAS;
  const issues: WorldIssue[] = [];
  const pageIds = Object.keys(structure.pages).sort(comparePageIds);

  if (structure.metadata.total_pages !== pageIds.length) {
    issues.push({
      path: 'metadata.total_pages',
      message: `is ${structure.metadata.total_pages} but the file has ${pageIds.length} pages`,
    });
  }
  for (const id of pageIds) checkPage(id, structure.pages[id] as Page, structure, canvas, issues);
  const tree = deriveTree(structure, pageIds, issues);
  if (tree) checkTreeConsistency(structure, tree, issues);
  if (issues.length || !tree) throw new WorldValidationError(source, issues);

  const subtreeRoots = [...(tree.children.get(tree.root) ?? [])];
  return { source, structure, canvas, pageIds, ...tree, subtreeRoots };
}

function zodIssues(error: z.ZodError): WorldIssue[] {
  return error.issues.map((i) => ({ path: formatJsonPath(i.path), message: i.message }));
}

function checkBbox(bbox: PixelBbox, canvas: Canvas, path: string, issues: WorldIssue[]): void {
  const [x1, y1, x2, y2] = bbox;
  if (!(x1 < x2 && y1 < y2)) issues.push({ path, message: `[${bbox.join(',')}] must have x1 < x2 and y1 < y2` });
  if (x1 < 0 || y1 < 0 || x2 > canvas.width || y2 > canvas.height) {
    issues.push({
      path,
      message: `[${bbox.join(',')}] lies outside the ${canvas.width}x${canvas.height} canvas`,
    });
  }
}

function sameBbox(a: PixelBbox, b: PixelBbox): boolean {
  return a.every((v, i) => v === b[i]);
}

function checkPage(id: string, page: Page, structure: UiStructure, canvas: Canvas, issues: WorldIssue[]): void {
  const base = `pages.${id}`;
  for (const [icon, entry] of Object.entries(page.layout)) {
    checkBbox(entry.bbox, canvas, `${base}.layout.${icon}.bbox`, issues);
    const wantType = isSystemAction(icon) ? 'system' : 'normal';
    if (entry.type !== wantType) {
      issues.push({ path: `${base}.layout.${icon}.type`, message: `is "${entry.type}", expected "${wantType}"` });
    }
  }
  const seen = new Set<string>();
  page.transitions.forEach((t: Transition, i: number) => {
    const path = `${base}.transitions[${i}]`;
    if (seen.has(t.action)) issues.push({ path: `${path}.action`, message: `"${t.action}" appears twice on ${id}` });
    seen.add(t.action);
    if (!structure.pages[t.target_page]) {
      issues.push({ path: `${path}.target_page`, message: `"${t.target_page}" is not a page of this world` });
    }
    const entry = page.layout[t.action];
    if (!entry) {
      issues.push({ path: `${path}.action`, message: `"${t.action}" is not in ${id}'s layout` });
    } else if (!sameBbox(entry.bbox, t.icon_bbox)) {
      issues.push({
        path: `${path}.icon_bbox`,
        message: `[${t.icon_bbox.join(',')}] differs from layout.${t.action}.bbox [${entry.bbox.join(',')}]`,
      });
    }
  });
}

interface Tree {
  root: string;
  parent: Map<string, string>;
  children: Map<string, string[]>;
  depth: Map<string, number>;
}

/** The normal edges must form one tree: one root, one parent per other page, all reachable. */
function deriveTree(structure: UiStructure, pageIds: string[], issues: WorldIssue[]): Tree | undefined {
  const parent = new Map<string, string>();
  const children = new Map<string, string[]>(pageIds.map((id) => [id, []]));
  for (const id of pageIds) {
    for (const [i, t] of (structure.pages[id] as Page).transitions.entries()) {
      if (isSystemAction(t.action) || !structure.pages[t.target_page]) continue;
      const existing = parent.get(t.target_page);
      if (existing !== undefined) {
        issues.push({
          path: `pages.${id}.transitions[${i}].target_page`,
          message: `${t.target_page} already has parent ${existing} (normal edge "${t.action}"); normal edges must form a tree`,
        });
        continue;
      }
      parent.set(t.target_page, id);
      children.get(id)?.push(t.target_page);
    }
  }
  const roots = pageIds.filter((id) => !parent.has(id));
  if (roots.length !== 1) {
    const found = roots.length
      ? `found ${roots.length}: ${roots.slice(0, 5).join(', ')}${roots.length > 5 ? ', ...' : ''}`
      : 'found none: every page is the target of a normal edge, so the normal edges form a cycle';
    issues.push({ path: 'pages', message: `expected exactly one root page (no incoming normal edge), ${found}` });
    return undefined;
  }
  const root = roots[0] as string;
  for (const list of children.values()) list.sort(comparePageIds);
  const depth = new Map<string, number>([[root, 0]]);
  const queue = [root];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    for (const child of children.get(id) ?? []) {
      if (depth.has(child)) continue;
      depth.set(child, (depth.get(id) ?? 0) + 1);
      queue.push(child);
    }
  }
  const unreachable = pageIds.filter((id) => !depth.has(id));
  if (unreachable.length) {
    issues.push({
      path: 'pages',
      message: `${unreachable.length} page(s) not reachable from root ${root} by normal edges (a cycle?): ${unreachable.slice(0, 5).join(', ')}`,
    });
    return undefined;
  }
  return { root, parent, children, depth };
}

/** Declared depths and system edges must agree with the tree. */
function checkTreeConsistency(structure: UiStructure, tree: Tree, issues: WorldIssue[]): void {
  for (const [id, page] of Object.entries(structure.pages)) {
    const depth = tree.depth.get(id);
    if (page.depth !== depth)
      issues.push({ path: `pages.${id}.depth`, message: `is ${page.depth}, tree depth is ${depth}` });
    page.transitions.forEach((t, i) => {
      const want = t.action === BACK_ACTION ? tree.parent.get(id) : t.action === HOME_ACTION ? tree.root : undefined;
      if (isSystemAction(t.action) && t.target_page !== want) {
        issues.push({
          path: `pages.${id}.transitions[${i}].target_page`,
          message: `${t.action} leads to "${t.target_page}", expected "${want ?? '(none: the root has no parent)'}"`,
        });
      }
    });
  }
}

/** The page record, or a clear error naming the world and the page. */
export function getPage(world: World, id: string): Page {
  const page = world.structure.pages[id];
  if (!page) throw new Error(`${world.source}: no page "${id}" in this world`);
  return page;
}

/** All pages of a subtree (its root first, then BFS order along normal edges). */
export function subtreePages(world: World, subtreeIndex: number): string[] {
  const top = world.subtreeRoots[subtreeIndex];
  if (top === undefined) {
    throw new Error(
      `${world.source}: subtree ${subtreeIndex} does not exist (the root has ${world.subtreeRoots.length} children)`,
    );
  }
  const out = [top];
  for (let head = 0; head < out.length; head++) out.push(...(world.children.get(out[head] as string) ?? []));
  return out;
}
