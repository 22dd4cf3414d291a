import type { Canvas } from '../world/schema.js';

export interface OutputSize {
  width: number;
  height: number;
}

/** The released screenshots: 448 x 448, aspect squashed. */
export const DEFAULT_OUTPUT_SIZE: OutputSize = { width: 448, height: 448 };

/** Parses `WxH` (e.g. `448x448`); `what` names the flag or field in the error. */
export function parseOutputSize(text: string, what = '--size'): OutputSize {
  const m = /^(\d+)x(\d+)$/i.exec(text.trim());
  const width = Number(m?.[1]);
  const height = Number(m?.[2]);
  if (!m || width < 1 || height < 1 || width > 8192 || height > 8192) {
    throw new Error(`${what}: expected WIDTHxHEIGHT with each from 1 to 8192 (e.g. 448x448), got "${text}"`);
  }
  return { width, height };
}

/**
 * With keepAspect the canvas is scaled to fit inside the box without padding (so normalised
 * coordinates still map onto the whole image): 448x448 -> 207x448 for the 1179 x 2556 canvas.
 */
export function fitOutputSize(box: OutputSize, canvas: Canvas, keepAspect: boolean): OutputSize {
  if (!keepAspect) return box;
  const scale = Math.min(box.width / canvas.width, box.height / canvas.height);
  return {
    width: Math.max(1, Math.round(canvas.width * scale)),
    height: Math.max(1, Math.round(canvas.height * scale)),
  };
}
