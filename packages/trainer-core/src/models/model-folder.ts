/**
 * Where a model lives: guinav loads local folders only (config.json, *.safetensors,
 * tokenizer.json). A Hugging Face Hub id gets a message saying how to download it.
 */
import fs from 'node:fs';
import path from 'node:path';

export const CONFIG_FILE = 'config.json';
export const GENERATION_CONFIG_FILE = 'generation_config.json';

/** `owner/name` as the Hub spells repository ids (no leading dot or slash, one slash). */
const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** Resolves `dir` to a model folder or fails with what to do; `label` names the argument (`--model`). */
export function resolveModelFolder(dir: string, label = 'model'): string {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    stat = undefined;
  }
  if (!stat) {
    if (HUB_ID.test(dir)) {
      const local = `models/${dir.split('/')[1]}`;
      throw new Error(
        `${label} ${dir}: no such folder. It looks like a Hugging Face Hub id; guinav loads models from a ` +
          `local folder only. Download it first, e.g. \`huggingface-cli download ${dir} --local-dir ${local}\` ` +
          `(or \`hf download ${dir} --local-dir ${local}\`), then pass ${label} ${local}`,
      );
    }
    throw new Error(`${label} ${dir}: no such folder`);
  }
  if (!stat.isDirectory()) {
    throw new Error(
      `${label} ${dir}: is a file; expected a model folder (config.json, model.safetensors, tokenizer.json)`,
    );
  }
  if (!fs.existsSync(path.join(dir, CONFIG_FILE))) {
    throw new Error(
      `${label} ${dir}: no ${CONFIG_FILE} (expected a Hugging Face model folder: config.json, model.safetensors, tokenizer.json)`,
    );
  }
  return dir;
}

/** The torch_dtype names transformers writes for the dtypes guinav stores. */
export const TORCH_DTYPE_NAMES = { f32: 'float32', bf16: 'bfloat16', f16: 'float16' } as const;

export type SaveDType = keyof typeof TORCH_DTYPE_NAMES;
