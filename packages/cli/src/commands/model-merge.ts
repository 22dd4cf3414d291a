/**
 * `guinav model merge`: a PEFT LoRA adapter folded into its base model and written as a complete
 * model folder, as PEFT's merge_and_unload + save_pretrained (and the tokenizer's and processor's
 * save_pretrained) would: the weights in the base's dtype, config.json, generation_config.json,
 * the tokenizer files with the chat template, and a VLM's processor configs.
 */
import path from 'node:path';
import { writeOutputDir } from '@guinav/data-gen';
import {
  CONFIG_FILE,
  folderSaveDType,
  loadModel,
  parseDeviceRequest,
  readModelConfig,
  type SaveDType,
  saveMergedModel,
  storedQuantization,
} from '@guinav/trainer-core';
import { initCliBackend } from '../device.js';
import { interruptible } from '../interrupt.js';
import { createProgressDisplay } from '../progress.js';
import { checkNewModelFolder } from './model-output.js';

export interface ModelMergeOptions {
  base: string;
  adapter: string;
  out: string;
  /** auto (the base's dtype), float32, bfloat16 or float16. */
  dtype: string;
  device: string;
}

const DTYPES: Record<string, SaveDType> = { float32: 'f32', bfloat16: 'bf16', float16: 'f16' };
export const MERGE_DTYPES = ['auto', ...Object.keys(DTYPES)] as const;

/** A quantized base is refused: its weights are not the ones the adapter's delta should be added to at full precision. */
function refuseQuantizedBase(base: string): void {
  const { config } = readModelConfig(base, '--base');
  const quantization = storedQuantization(config.raw, path.join(base, CONFIG_FILE));
  if (!quantization) return;
  throw new Error(
    `--base ${base}: is quantized (bitsandbytes ${quantization.kind}, quantization_config in ${CONFIG_FILE}); ` +
      'merging into quantized weights rounds the adapter away (PEFT warns of the same). Merge into the ' +
      'full-precision model it was quantized from, then `guinav model quantize --model <merged>` if you want it quantized',
  );
}

/** Merges, writing `--out` (new or empty) atomically: all of it or nothing. Returns the summary line. */
export async function modelMerge(opts: ModelMergeOptions): Promise<string> {
  const requested = opts.dtype === 'auto' ? undefined : DTYPES[opts.dtype];
  if (opts.dtype !== 'auto' && !requested) {
    throw new Error(`--dtype: expected one of ${MERGE_DTYPES.join(', ')}, got "${opts.dtype}"`);
  }
  await checkNewModelFolder(opts.out, [
    { label: '--base', path: opts.base },
    { label: '--adapter', path: opts.adapter },
  ]);
  refuseQuantizedBase(opts.base);
  const { backend } = await initCliBackend(parseDeviceRequest(opts.device));
  const progress = createProgressDisplay('merge');
  try {
    return await interruptible(async (signal) => {
      const loaded = await loadModel(opts.base, {
        backend,
        label: '--base',
        onTensor: (done, total) => {
          signal.throwIfAborted();
          progress.update({ phase: 'loading', done, total });
        },
      });
      try {
        const dtype = requested ?? folderSaveDType(loaded);
        let summary = '';
        await writeOutputDir(
          opts.out,
          async (staging) => {
            const { adapter, files } = await saveMergedModel(staging, loaded, opts.adapter, {
              label: '--adapter',
              dtype,
              onTensor: (done, total) => {
                signal.throwIfAborted();
                progress.update({ phase: 'saving', done, total });
              },
            });
            summary =
              `wrote ${opts.out}: ${loaded.family.architecture} with the adapter ${opts.adapter} merged ` +
              `(r ${adapter.r}, alpha ${adapter.lora_alpha}${adapter.use_rslora ? ', rsLoRA' : ''}), ` +
              `weights in ${dtype} (${files.join(', ')})`;
          },
          { signal, label: '--out' },
        );
        return summary;
      } finally {
        loaded.model.dispose();
      }
    });
  } finally {
    progress.stop();
  }
}
