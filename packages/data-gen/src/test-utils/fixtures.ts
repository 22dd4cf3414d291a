import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { UiStructure } from '../world/schema.js';

/** The repository's test-fixtures/ folder (made by tools/fixtures/*.mjs, or by hand where said). */
export const FIXTURES_DIR = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures');

/** The hand-made tiny world (test-fixtures/worlds/tiny/README.md), shared with eval-env's tests. */
export const TINY_WORLD_FILE = path.join(FIXTURES_DIR, 'worlds', 'tiny', 'ui_structure.json');

/** A fresh copy of the tiny world's structure (tests may change it). */
export function tinyStructure(): UiStructure {
  return JSON.parse(readFileSync(TINY_WORLD_FILE, 'utf8')) as UiStructure;
}
