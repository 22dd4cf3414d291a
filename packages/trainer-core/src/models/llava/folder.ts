/**
 * A LLaVA model folder: config.json plus model.safetensors (or shards), loaded tensor by tensor
 * into unallocated parameters, and written the way save_pretrained writes it (the hub key layout,
 * `{"format": "pt"}` metadata, each file atomic). A stand-in for the generic model-folder loader
 * of issue 10 section 1 (models/load.ts), limited to what the VLM needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Backend } from '../../backend/backend.js';
import { CheckpointFolder, writeCheckpointFolder } from '../../io/safetensors/checkpoint-folder.js';
import { type LoadReport, loadStateDict } from '../../nn/state-dict.js';
import { createCausalLM, modelFamilyOf } from '../families.js';
import { LlavaForConditionalGeneration } from './modeling.js';

export interface LoadLlavaOptions {
  /** Where the parameters live (default: the current backend). */
  backend?: Backend;
}

export function readConfigJson(dir: string): unknown {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(dir)) {
    throw new Error(
      `${dir}: no such model folder` +
        (/^[\w.-]+\/[\w.-]+$/.test(dir)
          ? ' (a hub id? download it, e.g. with huggingface-cli, and pass the folder)'
          : ''),
    );
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}`,
    );
  }
}

/** Loads a `model_type: "llava"` folder (every tensor checked by key, shape and dtype). */
export async function loadLlava(
  dir: string,
  options: LoadLlavaOptions = {},
): Promise<{ model: LlavaForConditionalGeneration; report: LoadReport }> {
  const json = readConfigJson(dir);
  const source = path.join(dir, 'config.json');
  const family = modelFamilyOf(json, source);
  if (family.modelType !== 'llava') {
    throw new Error(`${source}: field "model_type": expected "llava", got ${JSON.stringify(family.modelType)}`);
  }
  const model = createCausalLM(json, { source, backend: options.backend, initialize: false });
  if (!(model instanceof LlavaForConditionalGeneration)) throw new Error(`${source}: not a LLaVA model`);
  const weights = CheckpointFolder.open(dir);
  try {
    const report = await loadStateDict(model, weights, { keyMap: (k) => family.checkpointKey(k, model.config) });
    return { model, report };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    weights.close();
  }
}

/** Writes config.json and the weights (module keys = the hub layout). */
export async function saveLlava(model: LlavaForConditionalGeneration, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const tensors = [...model.stateDict()].map(([name, t]) => ({
    name,
    dtype: t.dtype,
    shape: t.shape,
    data: () => t.data(),
  }));
  await writeCheckpointFolder(dir, tensors);
  writeFileAtomic(path.join(dir, 'config.json'), `${JSON.stringify(model.config.raw, null, 2)}\n`);
}

export function writeFileAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
