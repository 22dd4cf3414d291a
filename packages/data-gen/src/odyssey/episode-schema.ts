import { z } from 'zod';

/**
 * zod schema of one GUI-Odyssey episode file (`annotations/<episode_id>.json`). Objects are
 * loose: the fields nothing here reads (a step's `low_level_instruction`, `description`,
 * `intention`, `context`, ...) pass through unchecked.
 * Coordinates in `info` and `sam2_bbox` are on the 0..1000 scale.
 */
const Coordinate = z.number().min(0).max(1000);
export const OdysseyPoint = z.tuple([Coordinate, Coordinate]);

export const OdysseyStep = z.looseObject({
  step: z.number().int().nonnegative(),
  screenshot: z.string().min(1),
  /** CLICK, LONG_PRESS, SCROLL, TEXT, COMPLETE, INCOMPLETE (see stepAction for the other names read). */
  action: z.string().min(1),
  /** [[x, y], ...] for CLICK / LONG_PRESS (the first point counts), [[x1, y1], [x2, y2]] for SCROLL, a key name or text otherwise. */
  info: z.union([z.string(), z.array(OdysseyPoint)], {
    error: 'expected a string (key name or typed text) or a list of [x, y] points on 0..1000',
  }),
  ps: z.string().nullish(),
  /** The clicked element's box (newer release); `[]` for steps that are not clicks, null or absent in older files. */
  sam2_bbox: z
    .union([z.tuple([Coordinate, Coordinate, Coordinate, Coordinate]), z.tuple([]), z.null()], {
      error: 'expected [x1, y1, x2, y2] on 0..1000, [] or null',
    })
    .optional(),
});
export type OdysseyStep = z.infer<typeof OdysseyStep>;

export const OdysseyEpisode = z.looseObject({
  episode_id: z.string().min(1),
  device_info: z.looseObject({
    product: z.string().optional(),
    release_version: z.union([z.string(), z.number()]).optional(),
    sdk_version: z.union([z.string(), z.number()]).optional(),
    h: z.number().int().positive(),
    w: z.number().int().positive(),
    device_name: z.string().optional(),
  }),
  task_info: z.looseObject({
    category: z.string().min(1),
    app: z.array(z.string()),
    meta_task: z.string().optional(),
    task: z.string().optional(),
    instruction: z.string().min(1),
  }),
  step_length: z.number().int().positive(),
  steps: z.array(OdysseyStep).min(1),
});
export type OdysseyEpisode = z.infer<typeof OdysseyEpisode>;

/** A splits file: subset name -> annotation file names (`<episode_id>.json`, as released) or episode ids. */
export const OdysseySplits = z.record(z.string(), z.array(z.string().min(1)));
export type OdysseySplits = z.infer<typeof OdysseySplits>;

/** GUI-Odyssey's six task categories (`task_info.category`), in alphabetical order. */
export const ODYSSEY_CATEGORIES = [
  'General_Tool',
  'Information_Management',
  'Media_Entertainment',
  'Multi_Apps',
  'Social_Sharing',
  'Web_Shopping',
] as const;
export type OdysseyCategory = (typeof ODYSSEY_CATEGORIES)[number];
