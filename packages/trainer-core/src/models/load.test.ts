import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../io/safetensors/reader.js';
import { type TensorToWrite, writeSafetensors } from '../io/safetensors/writer.js';
import { tensor } from '../ops/create.js';
import { MODEL_FIXTURES } from '../test-utils/model-fixtures.js';
import { values } from '../test-utils/read.js';
import { tempDirs } from '../test-utils/temp-dirs.js';
import { loadModel } from './load.js';
import { saveModel } from './save.js';

const IDS = [320, 5, 9, 100, 260, 7];

const tempDir = tempDirs('guinav-model-');

async function logitsOf(dir: string): Promise<number[]> {
  const { model } = await loadModel(dir);
  try {
    return await values(() => model.forward(tensor(Int32Array.from(IDS), [1, IDS.length], 'i32')));
  } finally {
    model.dispose();
  }
}

/** A copy of the llama fixture whose weights `edit` rewrites (a list of tensors to write). */
function withWeights(edit: (tensors: TensorToWrite[]) => TensorToWrite[]): Promise<string> {
  const dir = tempDir();
  for (const name of fs.readdirSync(path.join(MODEL_FIXTURES, 'llama'))) {
    fs.copyFileSync(path.join(MODEL_FIXTURES, 'llama', name), path.join(dir, name));
  }
  const file = SafetensorsFile.open(path.join(dir, 'model.safetensors'));
  const tensors = file.keys().map((name) => {
    const { shape, dtype } = file.meta(name);
    return { name, shape, dtype, data: file.read(name) };
  });
  file.close();
  return writeSafetensors(path.join(dir, 'model.safetensors'), edit(tensors)).then(() => dir);
}

describe('loadModel', () => {
  it('refuses a Hub id with download advice, and names what is missing in a folder', async () => {
    await expect(loadModel('google/gemma-3-4b-it', { label: '--model' })).rejects.toThrow(
      '--model google/gemma-3-4b-it: no such folder. It looks like a Hugging Face Hub id; guinav loads models ' +
        'from a local folder only. Download it first, e.g. `huggingface-cli download google/gemma-3-4b-it ' +
        '--local-dir models/gemma-3-4b-it` (or `hf download google/gemma-3-4b-it --local-dir models/gemma-3-4b-it`), ' +
        'then pass --model models/gemma-3-4b-it',
    );
    const dir = tempDir();
    await expect(loadModel(path.join(dir, 'nope'))).rejects.toThrow(/nope: no such folder$/);
    fs.writeFileSync(path.join(dir, 'file'), '');
    await expect(loadModel(path.join(dir, 'file'))).rejects.toThrow(/file: is a file; expected a model folder/);
    await expect(loadModel(dir)).rejects.toThrow(/: no config\.json \(expected a Hugging Face model folder/);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'mistral' }));
    await expect(loadModel(dir)).rejects.toThrow(/config\.json: field "model_type": "mistral" is not supported/);
    fs.copyFileSync(path.join(MODEL_FIXTURES, 'llama', 'config.json'), path.join(dir, 'config.json'));
    await expect(loadModel(dir)).rejects.toThrow(/no model\.safetensors or model\.safetensors\.index\.json/);
    fs.writeFileSync(path.join(dir, 'pytorch_model.bin'), '');
    await expect(loadModel(dir)).rejects.toThrow(/only PyTorch \.bin weights: guinav reads safetensors/);
  });

  it('reads the config, the tokenizer and the generation ids (generation_config.json wins)', async () => {
    const m = await loadModel(path.join(MODEL_FIXTURES, 'gemma3_text'));
    expect(m.family.architecture).toBe('Gemma3ForCausalLM');
    expect(m.config.modelType).toBe('gemma3_text');
    expect(m.generation).toEqual({ bosTokenId: 2, eosTokenIds: [1, 6], padTokenId: 0 });
    expect(m.tokenizer?.specialTokens.bos?.id).toBe(2);
    expect(m.model.numParameters()).toBe(384 * 24 + 24 + 3 * (4 * 24 + 2 * 32 * 24 + 2 * 8 * 24 + 2 * 8 + 3 * 24 * 40));
    m.model.dispose();
    const l = await loadModel(path.join(MODEL_FIXTURES, 'llama'), { tokenizer: false });
    expect(l.tokenizer).toBeUndefined();
    expect(l.generation.eosTokenIds).toEqual([321, 324]);
    l.model.dispose();
  });

  it('names the key of a missing, unexpected, wrong-shape or wrong-dtype tensor', async () => {
    const missing = await withWeights((ts) => ts.filter((t) => t.name !== 'model.layers.1.mlp.up_proj.weight'));
    await expect(loadModel(missing)).rejects.toThrow(/missing tensors model\.layers\.1\.mlp\.up_proj\.weight$/);
    const extra = await withWeights((ts) => [
      ...ts,
      { name: 'model.extra', shape: [1], dtype: 'f32', data: new Float32Array(1) },
    ]);
    await expect(loadModel(extra)).rejects.toThrow(/unexpected tensors model\.extra$/);
    const shape = await withWeights((ts) =>
      ts.map((t) => (t.name === 'model.norm.weight' ? { ...t, shape: [4, 6] } : t)),
    );
    await expect(loadModel(shape)).rejects.toThrow(
      /tensor model\.norm\.weight has shape \[4, 6\], the model expects \[24\]/,
    );
    const dtype = await withWeights((ts) =>
      ts.map((t) => (t.name === 'model.norm.weight' ? { ...t, dtype: 'i32', data: new Int32Array(24) } : t)),
    );
    await expect(loadModel(dtype)).rejects.toThrow(/tensor model\.norm\.weight is i32, the model expects f32/);
    // Old checkpoints' rotary tables are derived, not loaded.
    const rotary = await withWeights((ts) => [
      ...ts,
      { name: 'model.layers.0.self_attn.rotary_emb.inv_freq', shape: [4], dtype: 'f32', data: new Float32Array(4) },
    ]);
    expect(await logitsOf(rotary)).toEqual(await logitsOf(path.join(MODEL_FIXTURES, 'llama')));
  });
});

describe('saveModel', () => {
  it('round-trips: same logits, config.json with architectures and torch_dtype, tokenizer files', async () => {
    const src = await loadModel(path.join(MODEL_FIXTURES, 'qwen2'));
    const dir = tempDir();
    const files = await saveModel(dir, src.model, { tokenizer: src.tokenizer });
    src.model.dispose();
    expect(files.sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(await logitsOf(dir)).toEqual(await logitsOf(path.join(MODEL_FIXTURES, 'qwen2')));
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(config.architectures).toEqual(['Qwen2ForCausalLM']);
    expect(config.torch_dtype).toBe('float32');
    expect(config.model_type).toBe('qwen2');
    expect(Object.keys(config)).toEqual(Object.keys(config).sort());
    // Tied: no lm_head tensor, as save_pretrained writes it.
    const file = SafetensorsFile.open(path.join(dir, 'model.safetensors'));
    expect(file.keys()).not.toContain('lm_head.weight');
    expect(file.metadata).toEqual({ format: 'pt' });
    file.close();
  });

  it('writes bf16 (the bf16 fixture again, bit for bit) and shards, removing shards a new save does not use', async () => {
    const src = await loadModel(path.join(MODEL_FIXTURES, 'llama'));
    const dir = tempDir();
    await saveModel(dir, src.model, { dtype: 'bf16' });
    expect(fs.readFileSync(path.join(dir, 'model.safetensors'))).toEqual(
      fs.readFileSync(path.join(MODEL_FIXTURES, 'llama-bf16', 'model.safetensors')),
    );
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).torch_dtype).toBe('bfloat16');

    const sharded = await saveModel(dir, src.model, { maxShardBytes: 40_000 });
    expect(sharded).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      'model.safetensors.index.json',
      'config.json',
    ]);
    expect(fs.existsSync(path.join(dir, 'model.safetensors'))).toBe(false);
    expect(await logitsOf(dir)).toEqual(await logitsOf(path.join(MODEL_FIXTURES, 'llama')));
    await saveModel(dir, src.model, { maxShardBytes: 60_000 });
    expect(
      fs
        .readdirSync(dir)
        .filter((f) => f.startsWith('model-'))
        .sort(),
    ).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    src.model.dispose();
  });
});
