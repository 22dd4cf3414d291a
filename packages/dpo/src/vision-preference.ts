/**
 * Preference pairs for a vision-language model: the concatenated batch of `collatePreference`
 * (chosen rows, then rejected rows) with every row's images stacked in row order, so each row's
 * image tokens are replaced by its own screenshot's features. A pair's chosen and rejected rows
 * show the same screenshots, so each is read and encoded once (`imageRows` points both rows at
 * it), which saves the vision tower's second pass. Images come first in the prompt, so prompts
 * must not be cut from the start (give no max_prompt_length).
 */
import {
  collatePreference,
  type PreferenceBatch,
  type PreferenceCollateOptions,
  type PreferenceExample,
} from './preference-batch.js';

export interface VisionPreferenceExample extends PreferenceExample {
  images: readonly string[];
}

export interface PixelBatch {
  data: Float32Array;
  shape: number[];
}

export interface VisionPreferenceBatch extends PreferenceBatch {
  /** Each example's images once, in example order. */
  pixelValues?: PixelBatch;
  /** The pixelValues row of each image in the batch's rows (chosen rows, then rejected rows). */
  imageRows?: Int32Array;
}

export async function collateVisionPreference(
  examples: readonly VisionPreferenceExample[],
  options: PreferenceCollateOptions,
  loadPixels: (
    imageLists: readonly (readonly string[])[],
  ) => Promise<{ data: Float32Array; shape: readonly number[] } | undefined>,
): Promise<VisionPreferenceBatch> {
  if (options.maxPromptLength) {
    throw new RangeError(
      'collateVisionPreference: a vision prompt starts with its image tokens; do not cut prompts (max_prompt_length)',
    );
  }
  const batch = collatePreference(examples, options);
  const pixels = await loadPixels(examples.map((e) => e.images));
  if (!pixels) return batch;
  const once = Int32Array.from({ length: pixels.shape[0]! }, (_, i) => i);
  const imageRows = Int32Array.from([...once, ...once]);
  return { ...batch, pixelValues: { data: pixels.data, shape: [...pixels.shape] }, imageRows };
}
