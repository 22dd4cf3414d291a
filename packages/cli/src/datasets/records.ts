/**
 * Dataset records as data-gen writes them (ms-swift `messages` + `images`, GE-Lab RL records,
 * preference pairs), checked with zod, and their image paths: what `guinav predict` and
 * `guinav export` read.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkImageFiles, listSome } from '@guinav/data-gen';
import { NormBboxSchema } from '@guinav/eval-env';
import { z } from 'zod';

export const Message = z.looseObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
export const Common = {
  idx: z.number().int().optional(),
  path: z.number().int().nonnegative().optional(),
  task: z.string().optional(),
  source: z.string().optional(),
  bbox_norm: NormBboxSchema.nullish(),
};
/** An ms-swift record: prompt turns, then the answer. */
export const MessagesRecord = z.looseObject({
  ...Common,
  messages: z
    .array(Message)
    .min(2)
    .refine((m) => m.at(-1)?.role === 'assistant' && m.some((t) => t.role === 'user'), {
      message: 'expected user turn(s) and the assistant answer last',
    }),
  images: z.array(z.string()).default([]),
});
/** A GE-Lab RL record (st_rl.json). */
export const RlRecord = z.looseObject({
  ...Common,
  problem: z.string(),
  solution: z.string(),
  image: z.string().optional(),
});
/** A preference pair (TRL's `prompt`, `chosen`, optional `images`). */
export const PairRecord = z.looseObject({
  prompt: z.string(),
  chosen: z.string(),
  images: z.array(z.string()).default([]),
});

/**
 * A relative image path is looked up beside the dataset file first (data-gen's `relative` paths),
 * then from the working directory (its `as-given` paths).
 */
export function resolveImage(p: string, dir: string): string {
  if (path.isAbsolute(p)) return p;
  const beside = path.resolve(dir, p);
  return existsSync(beside) ? beside : path.resolve(p);
}

/** Every image must exist and be an image of its extension's format; errors name the record that first uses it. */
export async function checkImages(file: string, uses: readonly { image: string; where: string }[]): Promise<void> {
  const firstUse = new Map<string, string>();
  for (const { image, where } of uses) if (!firstUse.has(image)) firstUse.set(image, where);
  const { missing, notImages } = await checkImageFiles([...firstUse.keys()], (f) => `${f} (${firstUse.get(f)})`);
  if (missing.length) throw new Error(`--data ${file}: ${missing.length} image(s) missing: ${listSome(missing, 3)}`);
  if (notImages.length) {
    throw new Error(`--data ${file}: ${notImages.length} image(s) are not images: ${listSome(notImages, 3)}`);
  }
}
