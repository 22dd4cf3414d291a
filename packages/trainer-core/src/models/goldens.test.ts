/**
 * The tiny checkpoints of test-fixtures/models (tools/fixtures/make-model-fixtures.mjs) against
 * golden logits computed by PyTorch from the same files, independently of guinav
 * (tools/fixtures/model_goldens.py): every family, f32 and bf16 checkpoints, on every backend.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { SafetensorsFile } from '../io/safetensors/reader.js';
import { writeSafetensors } from '../io/safetensors/writer.js';
import { ropeInvFreq } from '../kernels/shapes/rope-frequencies.js';
import { tensor } from '../ops/create.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { MODEL_FIXTURES } from '../test-utils/model-fixtures.js';
import { values } from '../test-utils/read.js';
import type { Gemma3TextConfig } from './gemma3/config.js';
import type { LlamaConfig } from './llama/config.js';
import { loadModel } from './load.js';

const NAMES = ['llama', 'llama-bf16', 'qwen2', 'qwen2-bf16', 'gemma3_text', 'gemma3_text-bf16'];

function golden(name: string) {
  const file = SafetensorsFile.open(path.join(MODEL_FIXTURES, 'goldens', `${name}.safetensors`));
  try {
    const read = (key: string) => ({ shape: file.meta(key).shape, data: [...file.read(key)] });
    const inv = file.keys().filter((k) => k.startsWith('inv_freq.'));
    return {
      ids: read('input_ids'),
      logits: read('logits'),
      invFreq: Object.fromEntries(inv.map((k) => [k.slice('inv_freq.'.length), read(k).data])),
    };
  } finally {
    file.close();
  }
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/**
 * The gemma3_text fixture as Gemma 3 4B's image-text folder lays it out: a `gemma3` config whose
 * text_config leaves out keys at Gemma3TextConfig's defaults, weights under `prefix` beside
 * vision-tower and projector tensors.
 */
async function asImageTextFolder(prefix: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-gemma3-'));
  const text = JSON.parse(fs.readFileSync(path.join(MODEL_FIXTURES, 'gemma3_text', 'config.json'), 'utf8'));
  for (const k of ['rms_norm_eps', 'rope_local_base_freq', 'attention_bias', 'tie_word_embeddings', 'architectures']) {
    delete text[k];
  }
  const config = {
    architectures: ['Gemma3ForConditionalGeneration'],
    model_type: 'gemma3',
    text_config: text,
    vision_config: { model_type: 'siglip_vision_model', hidden_size: 4, patch_size: 2, image_size: 4 },
    mm_tokens_per_image: 4,
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const src = SafetensorsFile.open(path.join(MODEL_FIXTURES, 'gemma3_text', 'model.safetensors'));
  const tensors = src.keys().map((key) => ({
    name: key.replace(/^model\./, prefix),
    ...src.meta(key),
    data: src.read(key),
  }));
  src.close();
  tensors.push(
    {
      name: 'vision_tower.vision_model.embeddings.patch_embedding.weight',
      shape: [4, 3, 2, 2],
      dtype: 'f32',
      data: new Float32Array(48),
    },
    {
      name: 'multi_modal_projector.mm_input_projection_weight',
      shape: [4, 24],
      dtype: 'f32',
      data: new Float32Array(96),
    },
  );
  await writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
  return dir;
}

describeEachBackend('Hugging Face checkpoints match PyTorch', (b) => {
  for (const name of NAMES) {
    it(`${name}: logits within 1e-4 of the golden`, async () => {
      const g = golden(name);
      const loaded = await loadModel(path.join(MODEL_FIXTURES, name), { backend: b.backend });
      try {
        expect(loaded.checkpointDTypes).toEqual([name.endsWith('-bf16') ? 'bf16' : 'f32']);
        const logits = await values(() =>
          loaded.model.forward(tensor(Int32Array.from(g.ids.data), g.ids.shape, 'i32')),
        );
        expect(maxAbsDiff(logits, g.logits.data)).toBeLessThanOrEqual(1e-4);
      } finally {
        loaded.model.dispose();
      }
    });
  }

  it('the text model of a gemma3 image-text folder (both key layouts) gives the gemma3_text logits', async () => {
    const g = golden('gemma3_text');
    for (const prefix of ['language_model.model.', 'model.language_model.']) {
      const dir = await asImageTextFolder(prefix);
      try {
        const loaded = await loadModel(dir, { backend: b.backend });
        expect(loaded.family.architecture).toBe('Gemma3ForConditionalGeneration');
        expect(loaded.config.modelType).toBe('gemma3_text');
        const logits = await values(() =>
          loaded.model.forward(tensor(Int32Array.from(g.ids.data), g.ids.shape, 'i32')),
        );
        loaded.model.dispose();
        expect(maxAbsDiff(logits, g.logits.data)).toBeLessThanOrEqual(1e-4);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

it('RoPE frequencies equal torch bit for bit (llama3 scaling, Gemma local and linear-scaled global)', async () => {
  for (const name of ['llama', 'qwen2', 'gemma3_text']) {
    const { config } = await loadModel(path.join(MODEL_FIXTURES, name), { tokenizer: false });
    const g = golden(name);
    if (name === 'gemma3_text') {
      const c = config as Gemma3TextConfig;
      const sliding = c.layers.find((l) => l.window > 0)!;
      const full = c.layers.find((l) => l.window === 0)!;
      expect([...ropeInvFreq(sliding.ropeTheta, c.headDim, sliding.ropeScaling)]).toEqual(g.invFreq.sliding_attention);
      expect([...ropeInvFreq(full.ropeTheta, c.headDim, full.ropeScaling)]).toEqual(g.invFreq.full_attention);
    } else {
      const c = config as LlamaConfig;
      expect([...ropeInvFreq(c.ropeTheta, c.headDim, c.ropeScaling)]).toEqual(g.invFreq.default);
    }
  }
});
