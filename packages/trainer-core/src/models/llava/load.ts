/** Loading a LLaVA folder with the generic model-folder loader, typed as the VLM it must be. */
import { type LoadedModel, type LoadModelOptions, loadModel } from '../load.js';
import { LlavaForConditionalGeneration } from './modeling.js';

export interface LoadedLlava extends LoadedModel {
  model: LlavaForConditionalGeneration;
}

/** Loads a `model_type: "llava"` folder (weights checked by key, shape and dtype; tokenizer if present). */
export async function loadLlava(dir: string, options: LoadModelOptions = {}): Promise<LoadedLlava> {
  const loaded = await loadModel(dir, options);
  if (!(loaded.model instanceof LlavaForConditionalGeneration)) {
    loaded.model.dispose();
    throw new Error(
      `${options.label ?? 'model'} ${dir}: a "${loaded.family.modelType}" model, expected a vision-language ("llava") one`,
    );
  }
  return loaded as LoadedLlava;
}
