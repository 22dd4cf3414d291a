import type { Canvas, PixelBbox } from '../world/schema.js';

/**
 * Python's `round()`: ties go to the even neighbour. GE-Lab computes normalised coordinates
 * with it, so e.g. 0.5 -> 0 and 1.5 -> 2; Math.round would disagree on every tie.
 */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** A pixel coordinate on an axis of `extent` pixels, on GE-Lab's 0..1000 scale. */
export function normalizeCoordinate(px: number, extent: number): number {
  return roundHalfEven((px / extent) * 1000);
}

/** [x1, y1, x2, y2] on the 0..1000 scale; always against the ORIGINAL canvas, whatever the screenshot size. */
export type NormBbox = [number, number, number, number];

export function normalizeBbox(bbox: PixelBbox, canvas: Canvas): NormBbox {
  return [
    normalizeCoordinate(bbox[0], canvas.width),
    normalizeCoordinate(bbox[1], canvas.height),
    normalizeCoordinate(bbox[2], canvas.width),
    normalizeCoordinate(bbox[3], canvas.height),
  ];
}

export type Point = [number, number];

/** Inclusive on every edge, as GE-Lab's scorer and simulator test it. */
export function pointInBbox(point: Point, bbox: NormBbox): boolean {
  return point[0] >= bbox[0] && point[0] <= bbox[2] && point[1] >= bbox[1] && point[1] <= bbox[3];
}
