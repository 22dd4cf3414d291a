import { hash32 } from '../random/data-rng.js';
import { ICON_CATEGORIES, splitIconName } from '../world/icon-catalog.js';
import { ICON_SIZE } from '../world/layout.js';
import { escapeXml } from './xml.js';

/**
 * Icons drawn from their name alone, so the default needs no downloads: a shape and a colour
 * chosen by hashing the name, and a glyph (two category letters over the icon number) that
 * makes every icon of a world different from every other. Each is an SVG fragment filling a
 * 200 x 200 box at the origin.
 */

const S = ICON_SIZE;
const polygon = (points: [number, number][]): string => points.map(([x, y]) => `${x},${y}`).join(' ');
const regular = (sides: number, rotation: number): string =>
  polygon(
    Array.from({ length: sides }, (_, i) => {
      const a = rotation + (2 * Math.PI * i) / sides;
      return [Math.round(S / 2 + (S / 2 - 4) * Math.cos(a)), Math.round(S / 2 + (S / 2 - 4) * Math.sin(a))];
    }),
  );

/** Outlines a glyph fits in; each takes a fill colour. */
export const ICON_SHAPES: readonly ((fill: string) => string)[] = [
  (f) => `<circle cx="${S / 2}" cy="${S / 2}" r="${S / 2 - 4}" fill="${f}"/>`,
  (f) => `<rect x="4" y="4" width="${S - 8}" height="${S - 8}" rx="44" fill="${f}"/>`,
  (f) => `<rect x="4" y="4" width="${S - 8}" height="${S - 8}" rx="6" fill="${f}"/>`,
  (f) => `<polygon points="${regular(6, 0)}" fill="${f}"/>`,
  (f) => `<polygon points="${regular(8, Math.PI / 8)}" fill="${f}"/>`,
  (f) =>
    `<polygon points="${polygon([
      [100, 2],
      [198, 100],
      [100, 198],
      [2, 100],
    ])}" fill="${f}"/>`,
  (f) => `<polygon points="${regular(5, -Math.PI / 2)}" fill="${f}"/>`,
  (f) => `<path d="M4 4 H196 V110 Q196 170 100 198 Q4 170 4 110 Z" fill="${f}"/>`,
];

/** Two letters for the glyph: the catalog's abbreviation, else the initials of the category's words. */
function abbreviation(category: string): string {
  const known = ICON_CATEGORIES.find((c) => c.name === category);
  if (known) return known.abbrev;
  const words = category.split('_').filter(Boolean);
  const letters = words.length > 1 ? `${words[0]?.[0]}${words[1]?.[0]}` : (words[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

export function proceduralIconSvg(name: string): string {
  const h = hash32(name);
  const hue = h % 360;
  const saturation = 55 + ((h >>> 9) % 25);
  const lightness = 36 + ((h >>> 17) % 14);
  const shape = ICON_SHAPES[(h >>> 3) % ICON_SHAPES.length] as (fill: string) => string;
  const parts = splitIconName(name);
  const top = escapeXml(abbreviation(parts?.category ?? name));
  const bottom = parts ? String(parts.n) : '';
  const font =
    'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-weight="bold" fill="white" text-anchor="middle"';
  return [
    shape(`hsl(${hue},${saturation}%,${lightness}%)`),
    `<text x="100" y="${bottom ? 98 : 128}" font-size="${bottom ? 64 : 80}" ${font}>${top}</text>`,
    bottom ? `<text x="100" y="160" font-size="46" ${font}>${bottom}</text>` : '',
  ].join('');
}
