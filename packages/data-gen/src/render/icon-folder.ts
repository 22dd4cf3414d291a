import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { iconName } from '../world/icon-catalog.js';
import { ICON_SIZE } from '../world/layout.js';

/**
 * The published icon set's layout: one folder per category holding `PNG/<n>.png`, e.g.
 * `Digital electronics/PNG/98.png`, which is the icon `Digital_electronics_98`.
 * Returns icon name -> file.
 */
export async function scanIconFolder(dir: string): Promise<Map<string, string>> {
  let categories: string[];
  try {
    categories = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    throw new Error(`${dir}: cannot read the icon folder (${(err as Error).message})`);
  }
  const icons = new Map<string, string>();
  for (const category of categories.sort()) {
    const pngDir = path.join(dir, category, 'PNG');
    let files: string[];
    try {
      files = await readdir(pngDir);
    } catch {
      continue; // not a category folder
    }
    for (const file of files.sort()) {
      const m = /^(\d+)\.png$/i.exec(file);
      if (!m) continue;
      const name = iconName(category, Number(m[1]));
      const existing = icons.get(name);
      if (existing) {
        throw new Error(`${dir}: two files give the icon name "${name}": ${existing} and ${path.join(pngDir, file)}`);
      }
      icons.set(name, path.join(pngDir, file));
    }
  }
  if (icons.size === 0) {
    throw new Error(`${dir}: no icons found; expected the layout <Category>/PNG/<n>.png (e.g. Weather/PNG/12.png)`);
  }
  return icons;
}

/** Each icon resized once to 200 x 200 and encoded as a data URI the page SVG can embed. */
export async function loadIconDataUris(
  dir: string,
  icons: ReadonlyMap<string, string>,
  uses: readonly { page: string; icon: string }[],
): Promise<Map<string, string>> {
  const missing = uses.filter((u) => !icons.has(u.icon));
  if (missing.length) {
    const shown = missing.slice(0, 5).map((u) => `${u.icon} (on ${u.page})`);
    throw new Error(
      `${dir}: no artwork for ${missing.length} icon(s) of the world: ${shown.join(', ')}${missing.length > 5 ? ', ...' : ''}; ` +
        'expected <Category>/PNG/<n>.png for an icon named <Category>_<n>',
    );
  }
  const wanted = [...new Set(uses.map((u) => u.icon))];
  const out = new Map<string, string>();
  await Promise.all(
    wanted.map(async (name) => {
      const file = icons.get(name) as string;
      let png: Buffer;
      try {
        png = await sharp(await readFile(file))
          .resize(ICON_SIZE, ICON_SIZE, { fit: 'fill' })
          .png()
          .toBuffer();
      } catch (err) {
        throw new Error(`${file}: cannot read icon "${name}" (${(err as Error).message})`);
      }
      out.set(name, `data:image/png;base64,${png.toString('base64')}`);
    }),
  );
  return out;
}
