import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type PixelBbox, parseWorld, type UiStructure, type World } from '@guinav/data-gen';

/** The hand-made test world shared with data-gen's tests (see test-fixtures/worlds/tiny/README.md). */
export const TINY_WORLD_FILE = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'test-fixtures',
  'worlds',
  'tiny',
  'ui_structure.json',
);

/** D_4 on page_1: overlaps slot 5 (C_3) and comes after it in the layout, so it wins the overlap. */
export const OVERLAP: PixelBbox = [344, 800, 544, 1000];

/** A fresh copy of the tiny world's structure (tests may change it). */
export function tinyStructure(): UiStructure {
  return JSON.parse(readFileSync(TINY_WORLD_FILE, 'utf8')) as UiStructure;
}

export function tinyWorld(): World {
  return parseWorld(tinyStructure(), 'tiny.json');
}

/** A GE-Lab click answer at a point (the grammar's exact format, written out by hand). */
export function clickText(icon: string, page: string, x: number, y: number): string {
  return `Explain:click ${icon} icon on ${page}.\tAction: click(start_box='<|box_start|>(${x},${y})<|box_end|>')`;
}

export const COMPLETE_TEXT = 'Explain: this is target page.\tAction: complete';
