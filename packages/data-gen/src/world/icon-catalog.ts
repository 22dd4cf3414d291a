import type { DataRng } from '../random/data-rng.js';

/**
 * Icon names are `{Category}_{n}` in underscore form (e.g. `Digital_electronics_98`), the form
 * navigation data, captions and grounding all share. The published icon set is a folder per
 * category (`Digital electronics/PNG/98.png`); this catalog is the default when no folder is
 * given, with icons drawn procedurally.
 */
export interface IconCategory {
  /** Underscore form, as it appears in icon names. */
  name: string;
  /** Two letters drawn on every procedural icon of the category. */
  abbrev: string;
}

export const ICON_CATEGORIES: readonly IconCategory[] = [
  { name: 'Animals', abbrev: 'AN' },
  { name: 'Buildings_and_places', abbrev: 'BP' },
  { name: 'Business_and_finance', abbrev: 'BF' },
  { name: 'Clothing_and_fashion', abbrev: 'CF' },
  { name: 'Communication', abbrev: 'CO' },
  { name: 'Digital_electronics', abbrev: 'DE' },
  { name: 'Education', abbrev: 'ED' },
  { name: 'Flowers_and_plants', abbrev: 'FP' },
  { name: 'Food_and_drink', abbrev: 'FD' },
  { name: 'Health_and_medical', abbrev: 'HM' },
  { name: 'Hotel_and_restaurant_category', abbrev: 'HR' },
  { name: 'Maps_and_navigation', abbrev: 'MN' },
  { name: 'Music_and_audio', abbrev: 'MA' },
  { name: 'Office_tools', abbrev: 'OT' },
  { name: 'Photography', abbrev: 'PH' },
  { name: 'Shopping', abbrev: 'SH' },
  { name: 'Sports_and_fitness', abbrev: 'SF' },
  { name: 'Transportation', abbrev: 'TR' },
  { name: 'Travel_and_holidays', abbrev: 'TH' },
  { name: 'Weather', abbrev: 'WE' },
];

/** Icon numbers run 1..ICONS_PER_CATEGORY in every category of the built-in catalog. */
export const ICONS_PER_CATEGORY = 999;

/** `Digital electronics` + 98 -> `Digital_electronics_98`. */
export function iconName(category: string, n: number): string {
  return `${category.trim().replace(/\s+/g, '_')}_${n}`;
}

const ICON_NAME = /^(.+)_(\d+)$/;

/** The category (underscore form) and number of an icon name, or undefined when it has no `_<n>` suffix. */
export function splitIconName(name: string): { category: string; n: number } | undefined {
  const m = ICON_NAME.exec(name);
  return m ? { category: m[1] as string, n: Number(m[2]) } : undefined;
}

/** `count` distinct names from the built-in catalog, drawn at random. */
export function drawCatalogIconNames(count: number, rng: DataRng): string[] {
  const capacity = ICON_CATEGORIES.length * ICONS_PER_CATEGORY;
  if (count > capacity) throw new Error(`the built-in icon catalog has ${capacity} icons, ${count} are needed`);
  const names = new Set<string>();
  while (names.size < count) {
    const category = rng.pick(ICON_CATEGORIES).name;
    names.add(iconName(category, rng.int(1, ICONS_PER_CATEGORY)));
  }
  return [...names];
}
