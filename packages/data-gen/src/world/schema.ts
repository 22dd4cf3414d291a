import { z } from 'zod';

/**
 * zod schema of GE-Lab's `ui_structure.json`, the interchange file for a UI world. Objects are
 * loose: extra keys in files written by other tools are kept, not rejected.
 */

/** [x1, y1, x2, y2] in pixels of the original canvas. */
export const PixelBbox = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type PixelBbox = z.infer<typeof PixelBbox>;

export const LayoutEntry = z.looseObject({
  bbox: PixelBbox,
  type: z.enum(['normal', 'system']),
});
export type LayoutEntry = z.infer<typeof LayoutEntry>;

export const Transition = z.looseObject({
  action: z.string().min(1),
  target_page: z.string().min(1),
  icon_bbox: PixelBbox,
});
export type Transition = z.infer<typeof Transition>;

export const Page = z.looseObject({
  image: z.string().min(1),
  depth: z.number().int().nonnegative(),
  layout: z.record(z.string(), LayoutEntry),
  transitions: z.array(Transition),
});
export type Page = z.infer<typeof Page>;

export const WorldMetadata = z.looseObject({
  total_pages: z.number().int().positive(),
  tree_depth: z.number().int().positive(),
  nodes_per_level: z.array(z.number().int().positive()).min(1),
  config_file: z.string().optional(),
});
export type WorldMetadata = z.infer<typeof WorldMetadata>;

export const UiStructure = z.looseObject({
  pages: z.record(z.string(), Page),
  metadata: WorldMetadata,
});
export type UiStructure = z.infer<typeof UiStructure>;

/** The published canvas (a phone screenshot in portrait). */
export const GELAB_CANVAS = { width: 1179, height: 2556 } as const;
export interface Canvas {
  width: number;
  height: number;
}

/** System actions every non-root page may have; every other action is an icon name. */
export const BACK_ACTION = 'back';
export const HOME_ACTION = 'home';
export const SYSTEM_ACTIONS: readonly string[] = [BACK_ACTION, HOME_ACTION];
