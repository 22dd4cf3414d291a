/**
 * Training records for a LLaVA model: ids are made up front (prompt through the chat template
 * with every `<image>` expanded, answer and end token), while pixels are read when a batch is
 * built, through the preprocessor's cache (a world has few distinct screenshots but many samples,
 * so examples never hold pixel arrays).
 */

import type { ChatMessage } from '../../tokenizer/types.js';
import type { CollateOptions, TokenizedExample } from '../../train/causal-lm-batch.js';
import type { PromptCompletion } from '../../train/data/records.js';
import { collateVisionLM, type VisionLMBatch } from './batch.js';
import type { LlavaProcessor } from './processor.js';

export interface VisionTokenExample extends TokenizedExample {
  /** Image files, one per `<image>` in the prompt, in order. */
  images: readonly string[];
}

/** The text of an assistant turn (a string, or its text parts joined). */
export function messageText(m: ChatMessage, where: string): string {
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) return m.content.map((p) => p.text ?? '').join('');
  throw new Error(`${where}: the answer has no text content`);
}

/** One SFT record (prompt and a single assistant answer) as a VLM example. */
export function visionSftExample(processor: LlavaProcessor, pc: PromptCompletion): VisionTokenExample {
  if (pc.completion.length !== 1)
    throw new Error(`${pc.where}: a vision model trains on one assistant answer per record`);
  const placeholders = processor.applyChatTemplate(pc.prompt, true).split(processor.imageToken).length - 1;
  if (placeholders !== pc.images.length) {
    throw new Error(
      `${pc.where}: the prompt has ${placeholders} ${processor.imageToken} placeholder(s) but ${pc.images.length} image(s)`,
    );
  }
  const { inputIds, labels } = processor.supervisedIds(pc.prompt, messageText(pc.completion[0]!, pc.where));
  return { inputIds, labels, images: pc.images };
}

/** Stacks the images of `imageLists` (in order) as pixel values [n, 3, H, W]. */
export async function loadPixels(processor: LlavaProcessor, imageLists: readonly (readonly string[])[]) {
  const files = imageLists.flat();
  return files.length ? await processor.images.loadBatch(files) : undefined;
}

/** A padded VLM batch with the examples' pixels read now. */
export async function collateVisionExamples(
  processor: LlavaProcessor,
  examples: readonly VisionTokenExample[],
  options: CollateOptions,
): Promise<VisionLMBatch> {
  const pixels = await Promise.all(examples.map((e) => loadPixels(processor, [e.images])));
  return collateVisionLM(
    examples.map((e, i) => ({ ...e, pixelValues: pixels[i] })),
    { ...options, imageTokenId: processor.imageTokenId, tokensPerImage: processor.tokensPerImage },
  );
}
