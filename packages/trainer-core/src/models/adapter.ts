/**
 * A PEFT LoRA adapter on a loaded model folder: its module paths go through the family's
 * checkpoint-key map, so adapters saved on either transformers layout of a family (LLaVA before
 * and after 4.52) land on guinav's modules; optionally merged into the weights.
 */
import { mergeLora } from '../lora/apply-lora.js';
import { type AdapterConfig, loadAdapter } from '../lora/peft-adapter.js';
import type { ModelConfig, ModelFamily } from './families.js';
import type { LoadedModel } from './load.js';
import { type SaveModelOptions, saveModelFolder } from './save.js';

/** guinav's module path for a module path an adapter names (PEFT's, on the transformers model). */
export function adapterModulePath(family: ModelFamily, config: ModelConfig): (peftPath: string) => string {
  return (p) => family.checkpointKey(`${p}.weight`, config)?.replace(/\.weight$/, '') ?? p;
}

export interface AddAdapterOptions {
  /** Names the adapter argument in errors (default `adapter`; the CLI passes `--adapter`). */
  label?: string;
  /** Fold the adapter into the base weights (inference costs what the base costs; default false). */
  merge?: boolean;
}

/**
 * Adds the PEFT adapter in `dir` to the loaded model for inference (and merges it when asked);
 * returns its config. The model is left in eval mode: the new layers apply no dropout.
 */
export function addAdapter(loaded: LoadedModel, dir: string, options: AddAdapterOptions = {}): AdapterConfig {
  let config: AdapterConfig;
  try {
    config = loadAdapter(dir, loaded.model, { modulePath: adapterModulePath(loaded.family, loaded.config) });
  } catch (err) {
    throw new Error(`${options.label ?? 'adapter'} ${dir}: ${(err as Error).message}`);
  }
  if (options.merge) mergeLora(loaded.model);
  loaded.model.eval();
  return config;
}

/**
 * PEFT's merge_and_unload + save_pretrained: merges the adapter in `adapterDir` into the loaded
 * model and saves the merged model as a complete folder in `outDir` (see saveModelFolder).
 */
export async function saveMergedModel(
  outDir: string,
  loaded: LoadedModel,
  adapterDir: string,
  options: Omit<AddAdapterOptions, 'merge'> & Omit<SaveModelOptions, 'tokenizer'> = {},
): Promise<{ adapter: AdapterConfig; files: string[] }> {
  const { label, ...save } = options;
  const adapter = addAdapter(loaded, adapterDir, { label, merge: true });
  return { adapter, files: await saveModelFolder(outDir, loaded, save) };
}
