import { BACK_COLOR, HOME_COLOR, TITLE_BBOX } from '../world/layout.js';
import { BACK_ACTION, HOME_ACTION, type PixelBbox } from '../world/schema.js';
import { getPage, type World } from '../world/world.js';
import { escapeXml } from './xml.js';

/** Draws a normal icon as an SVG fragment filling a 200 x 200 box at the origin. */
export type IconArtwork = (name: string) => string;

/** A data-URI image for folder icons (already 200 x 200). */
export function imageArtwork(dataUris: ReadonlyMap<string, string>): IconArtwork {
  return (name) => {
    const uri = dataUris.get(name);
    if (!uri) throw new Error(`no artwork loaded for icon "${name}"`);
    return `<image width="200" height="200" preserveAspectRatio="none" href="${uri}"/>`;
  };
}

const TEXT_FONT =
  'font-family="Helvetica, Arial, DejaVu Sans, sans-serif" text-anchor="middle" dominant-baseline="central"';

function placed(bbox: PixelBbox, content: string): string {
  const [x1, y1, x2, y2] = bbox;
  const sx = (x2 - x1) / 200;
  const sy = (y2 - y1) / 200;
  const scale = sx === 1 && sy === 1 ? '' : ` scale(${sx} ${sy})`;
  return `<g transform="translate(${x1} ${y1})${scale}">${content}</g>`;
}

function systemIcon(bbox: PixelBbox, color: string, label: string): string {
  const [x1, y1, x2, y2] = bbox;
  return (
    `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="${color}"/>` +
    `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2}" font-size="60" ${TEXT_FONT}>${label}</text>`
  );
}

/**
 * One screenshot as SVG: a white canvas, the page id as title, back (pink) and home (green)
 * boxes, and every normal icon at its bbox. The viewBox is the original canvas and the output
 * size is `width` x `height` with the aspect squashed, as the released screenshots are.
 */
export function pageSvg(
  world: World,
  pageId: string,
  size: { width: number; height: number },
  artwork: IconArtwork,
): string {
  const page = getPage(world, pageId);
  const { width: cw, height: ch } = world.canvas;
  const [tx1, ty1, tx2, ty2] = TITLE_BBOX;
  const parts = [
    `<rect width="${cw}" height="${ch}" fill="white"/>`,
    `<text x="${(tx1 + tx2) / 2}" y="${(ty1 + ty2) / 2}" font-size="80" ${TEXT_FONT}>${escapeXml(pageId)}</text>`,
  ];
  for (const [name, entry] of Object.entries(page.layout)) {
    if (name === BACK_ACTION) parts.push(systemIcon(entry.bbox, BACK_COLOR, 'back'));
    else if (name === HOME_ACTION) parts.push(systemIcon(entry.bbox, HOME_COLOR, 'home'));
    else parts.push(placed(entry.bbox, artwork(name)));
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" ` +
    `viewBox="0 0 ${cw} ${ch}" preserveAspectRatio="none">${parts.join('')}</svg>`
  );
}
