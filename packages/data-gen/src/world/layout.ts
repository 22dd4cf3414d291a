import type { PixelBbox } from './schema.js';

/**
 * The published GE-Lab screen layout, in pixels of the original 1179 x 2556 canvas.
 * The generator places icons with it and the renderer draws it.
 */
export const ICON_SIZE = 200;

/** Left edges of the four icon columns. */
export const SLOT_XS: readonly number[] = [244, 474, 704, 934];
/** Top edges of the eight icon rows: 568 + 230k, k = 0..7. */
export const SLOT_YS: readonly number[] = Array.from({ length: 8 }, (_, k) => 568 + 230 * k);
export const SLOT_COUNT = SLOT_XS.length * SLOT_YS.length;

/** Slot i (row-major: left to right, then top to bottom) as a bbox. */
export function slotBbox(slot: number): PixelBbox {
  const x = SLOT_XS[slot % SLOT_XS.length];
  const y = SLOT_YS[Math.floor(slot / SLOT_XS.length)];
  if (x === undefined || y === undefined) throw new Error(`icon slot ${slot} does not exist (0..${SLOT_COUNT - 1})`);
  return [x, y, x + ICON_SIZE, y + ICON_SIZE];
}

export const BACK_BBOX: PixelBbox = [60, 60, 260, 260];
export const HOME_BBOX: PixelBbox = [919, 60, 1119, 260];
/** The page title (the page id) is centred in this box. */
export const TITLE_BBOX: PixelBbox = [389, 60, 789, 260];

export const BACK_COLOR = 'rgb(255,200,200)';
export const HOME_COLOR = 'rgb(200,255,200)';
