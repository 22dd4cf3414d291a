/**
 * Vision-language batches for the Trainer: `collateCausalLM`'s padded ids, labels and mask plus
 * every example's images stacked in example order (the order their image tokens appear in the
 * batch), and the logits function the SFT objective calls.
 */
import { tensor } from '../../ops/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type CausalLMBatch,
  type CollateOptions,
  collateCausalLM,
  type TokenizedExample,
} from '../../train/causal-lm-batch.js';
import type { LlavaForConditionalGeneration } from './modeling.js';

export interface VisionExample extends TokenizedExample {
  pixelValues?: { data: Float32Array; shape: readonly number[] };
}

export interface VisionLMBatch extends CausalLMBatch {
  /** [images, C, H, W] of the whole batch. */
  pixelValues?: { data: Float32Array; shape: number[] };
  /** Which pixelValues row each image of the batch uses, in order (shared screenshots encoded once). */
  imageRows?: Int32Array;
}

export interface VisionCollateOptions extends CollateOptions {
  imageTokenId: number;
  /** Image tokens per image (the processor's `tokensPerImage`). */
  tokensPerImage: number;
}

export function collateVisionLM(examples: readonly VisionExample[], options: VisionCollateOptions): VisionLMBatch {
  const batch = collateCausalLM(examples, options);
  const images: { data: Float32Array; shape: readonly number[] }[] = [];
  examples.forEach((e, i) => {
    const row = batch.inputIds.subarray(i * batch.seq, (i + 1) * batch.seq);
    const tokens = row.reduce((n, id) => n + (id === options.imageTokenId ? 1 : 0), 0);
    const count = e.pixelValues?.shape[0] ?? 0;
    if (tokens !== count * options.tokensPerImage) {
      throw new RangeError(
        `collateVisionLM: example ${i} has ${tokens} image tokens for ${count} image(s) of ${options.tokensPerImage}` +
          (options.maxLength ? ` (maxLength ${options.maxLength} cuts into the image tokens?)` : ''),
      );
    }
    if (e.pixelValues && count > 0) images.push(e.pixelValues);
  });
  if (images.length === 0) return batch;
  const [, ...dims] = images[0]!.shape;
  if (images.some((p) => p.shape.slice(1).join() !== dims.join())) {
    throw new RangeError('collateVisionLM: images of different sizes in one batch');
  }
  const total = images.reduce((n, p) => n + p.shape[0]!, 0);
  const data = new Float32Array(images.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of images) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return { ...batch, pixelValues: { data, shape: [total, ...dims] } };
}

/** The SFT objective's logits function for a LLaVA model (`new SftObjective(visionLMLogits(model))`). */
export function visionLMLogits(model: LlavaForConditionalGeneration): (b: VisionLMBatch) => Tensor {
  return (b) =>
    model.forward(tensor(b.inputIds, [b.batch, b.seq], 'i32'), {
      attentionMask: tensor(b.attentionMask, [b.batch, b.seq], 'i32'),
      ...(b.pixelValues
        ? {
            pixelValues: tensor(b.pixelValues.data, b.pixelValues.shape, 'f32'),
            hostIds: b.inputIds,
            imageRows: b.imageRows,
          }
        : {}),
    });
}
