/**
 * `createTinyVlm`: a freshly initialised built-in VLM written as a Hugging Face model folder
 * (config.json, generation_config.json, model.safetensors, the tokenizer files, the processor
 * configs), which transformers loads with LlavaForConditionalGeneration / AutoProcessor and guinav
 * with loadLlava / LlavaProcessor. The folder appears complete or not at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Backend } from '../../backend/backend.js';
import { sortedJson, writeTextFileAtomic } from '../../io/files.js';
import { siglipImageProcessorJson } from '../../vision/image-processor-config.js';
import { createCausalLM } from '../families.js';
import { LlavaForConditionalGeneration } from '../llava/modeling.js';
import { llavaProcessorJson } from '../llava/processor.js';
import { saveModel } from '../save.js';
import {
  TINY_VLM_MAX_POSITIONS,
  TINY_VLM_SIZES,
  type TinyVlmSize,
  type TinyVlmSizeName,
  tinyVlmConfigJson,
  tinyVlmGenerationConfigJson,
} from './sizes.js';
import { tinyVlmTokenizerFiles } from './tokenizer-spec.js';

export interface CreateTinyVlmOptions {
  /** A named size or explicit dimensions (default tiny). */
  size?: TinyVlmSizeName | TinyVlmSize;
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /** The folder to write; it must not exist or be empty. */
  dir: string;
  backend?: Backend;
}

function checkTarget(dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir}: exists and is not a folder`);
  if (fs.readdirSync(dir).length > 0) throw new Error(`${dir}: the folder is not empty (refusing to overwrite it)`);
}

/** Writes a new tiny VLM folder and returns the model it holds (the caller disposes it). */
export async function createTinyVlm(
  options: CreateTinyVlmOptions,
): Promise<{ dir: string; model: LlavaForConditionalGeneration }> {
  const dir = path.resolve(options.dir);
  checkTarget(dir);
  const size: TinyVlmSize = typeof options.size === 'object' ? options.size : TINY_VLM_SIZES[options.size ?? 'tiny'];
  const config = tinyVlmConfigJson(size);
  const model = createCausalLM(config, { seed: options.seed ?? 0, backend: options.backend });
  if (!(model instanceof LlavaForConditionalGeneration)) throw new Error('tiny VLM: expected a LLaVA model');
  const tmp = path.join(path.dirname(dir), `.${path.basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  try {
    await saveModel(tmp, model);
    const files: Record<string, string> = {
      'generation_config.json': sortedJson(tinyVlmGenerationConfigJson()),
      'preprocessor_config.json': sortedJson(siglipImageProcessorJson(size.image.size)),
      'processor_config.json': sortedJson(llavaProcessorJson(size.image.patch)),
      ...tinyVlmTokenizerFiles(TINY_VLM_MAX_POSITIONS),
    };
    for (const [name, text] of Object.entries(files)) await writeTextFileAtomic(path.join(tmp, name), text);
    if (fs.existsSync(dir)) fs.rmdirSync(dir);
    fs.renameSync(tmp, dir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    model.dispose();
    throw err;
  }
  return { dir, model };
}
