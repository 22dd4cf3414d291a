/**
 * The tiny checkpoints of test-fixtures/models (tools/fixtures/make-model-fixtures.mjs) against
 * golden logits computed by PyTorch from the same files, independently of guinav
 * (tools/fixtures/model_goldens.py): every family, f32 and bf16 checkpoints, on every backend.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { SafetensorsFile } from '../io/safetensors/reader.js';
import { ropeInvFreq } from '../kernels/shapes/rope-frequencies.js';
import { tensor } from '../ops/create.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { values } from '../test-utils/read.js';
import type { Gemma3TextConfig } from './gemma3/config.js';
import type { LlamaConfig } from './llama/config.js';
import { loadModel } from './load.js';

export const MODEL_FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures', 'models');
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
