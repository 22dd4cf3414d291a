/**
 * preprocessor_config.json of an image processor (transformers' SiglipImageProcessor and the
 * CLIP-style processors that share its keys): resize to a fixed height x width with a PIL
 * resample filter, rescale, normalise with mean/std, RGB, channels first.
 */
import { z } from 'zod';
import { configError, parseConfigJson } from '../models/config-common.js';

/** PIL resample codes (transformers' PILImageResampling). */
export const PIL_RESAMPLE = { nearest: 0, lanczos: 1, bilinear: 2, bicubic: 3 } as const;

const channelTriple = z.union([z.number(), z.array(z.number()).length(3)]);

export const ImageProcessorConfigSchema = z
  .object({
    image_processor_type: z.string().optional(),
    do_resize: z.boolean().default(true),
    size: z
      .object({ height: z.number().int().positive().optional(), width: z.number().int().positive().optional() })
      .loose()
      .default({ height: 224, width: 224 }),
    resample: z.number().int().min(0).max(5).default(PIL_RESAMPLE.bicubic),
    do_rescale: z.boolean().default(true),
    rescale_factor: z
      .number()
      .positive()
      .default(1 / 255),
    do_normalize: z.boolean().default(true),
    image_mean: channelTriple.default([0.5, 0.5, 0.5]),
    image_std: channelTriple.default([0.5, 0.5, 0.5]),
    do_convert_rgb: z.boolean().nullish(),
    do_center_crop: z.boolean().nullish(),
  })
  .loose();

export type ImageProcessorConfigJson = z.input<typeof ImageProcessorConfigSchema>;

export interface ImageProcessorConfig {
  height: number;
  width: number;
  resize: boolean;
  /** PIL resample code: 0 nearest, 1 lanczos, 2 bilinear, 3 bicubic. */
  resample: number;
  rescaleFactor: number | undefined;
  mean: [number, number, number] | undefined;
  std: [number, number, number] | undefined;
}

const triple = (v: number | number[]): [number, number, number] =>
  typeof v === 'number' ? [v, v, v] : (v as [number, number, number]);

export function parseImageProcessorConfig(json: unknown, source = 'preprocessor_config.json'): ImageProcessorConfig {
  const c = parseConfigJson(ImageProcessorConfigSchema, json, source);
  const { height, width } = c.size;
  if (height === undefined || width === undefined) {
    throw configError(
      source,
      'size',
      `${JSON.stringify(c.size)} is not supported (expected {"height": H, "width": W}, as SigLIP's processor writes)`,
    );
  }
  if (c.do_center_crop) throw configError(source, 'do_center_crop', 'center cropping is not supported');
  if (c.resample > 3) throw configError(source, 'resample', `PIL filter ${c.resample} is not supported (0-3)`);
  const std = triple(c.image_std);
  if (c.do_normalize && std.some((s) => s === 0)) throw configError(source, 'image_std', 'must not contain 0');
  return {
    height,
    width,
    resize: c.do_resize,
    resample: c.resample,
    rescaleFactor: c.do_rescale ? c.rescale_factor : undefined,
    mean: c.do_normalize ? triple(c.image_mean) : undefined,
    std: c.do_normalize ? std : undefined,
  };
}

/** What the tiny VLM writes: SigLIP's processor at `size` x `size`. */
export function siglipImageProcessorJson(size: number) {
  return {
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_processor_type: 'SiglipImageProcessor',
    image_std: [0.5, 0.5, 0.5],
    processor_class: 'LlavaProcessor',
    resample: PIL_RESAMPLE.bicubic,
    rescale_factor: 1 / 255,
    size: { height: size, width: size },
  };
}
