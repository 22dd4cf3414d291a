import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SafetensorsFile } from '@guinav/trainer-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';

const MODELS = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures', 'models');
const { guinav, stdout, stderr, logs } = cliHarness();

const temps: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-cli-model-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The first row of a fixture's golden (PyTorch) input ids and logits. */
function goldenRow(name: string) {
  const file = SafetensorsFile.open(path.join(MODELS, 'goldens', `${name}.safetensors`));
  const [, seq, vocab] = file.meta('logits').shape as [number, number, number];
  const ids = [...file.read('input_ids').subarray(0, seq)];
  const logits = [...file.read('logits').subarray(0, seq * vocab)];
  file.close();
  return { ids, logits, seq, vocab };
}

describe('guinav model info', () => {
  it('summarises a folder from its config and headers', async () => {
    expect(await guinav('model', 'info', '--model', path.join(MODELS, 'llama-bf16'))).toBe(0);
    const text = stdout();
    expect(text).toMatch(/architecture LlamaForCausalLM \(model_type llama\)/);
    expect(text).toMatch(/layers {7}2, hidden 24, intermediate 40/);
    expect(text).toMatch(/attention {4}4 heads, 2 kv heads, head dim 8/);
    // 2 x 328 x 24 (embeddings, head) + 24 + 2 x (2 x 24 + 2 x 32 x 24 + 2 x 8 x 2 x 24 + 3 x 24 x 40); 2 bytes each
    expect(text).toMatch(/parameters {3}26,232\n/);
    expect(text).toMatch(/dtype {8}bf16 in the checkpoint \(51\.2 KiB\); loads as f32/);
    expect(text).toMatch(
      /tokenizer {4}325 tokens, bos <\|begin_of_text\|> \(320\), eos <\|eot_id\|> \(324\); chat template default/,
    );
    expect(text).toMatch(/stops at {5}ids 321, 324/);

    expect(await guinav('model', 'info', '--model', path.join(MODELS, 'qwen2'), '--json')).toBe(0);
    const json = JSON.parse(String(logs().mock.calls.at(-1)?.[0]));
    expect(json).toMatchObject({
      architecture: 'Qwen2ForCausalLM',
      headDim: 6,
      tiedEmbeddings: true,
      checkpointDTypes: ['f32'],
    });
    expect(json.tokenizer.eos).toEqual({ content: '<|im_end|>', id: 322 });
  });

  it('says how to get a Hub model instead of looking it up', async () => {
    expect(await guinav('model', 'info', '--model', 'google/gemma-3-4b-it')).toBe(1);
    expect(stderr()).toMatch(/It looks like a Hugging Face Hub id; guinav loads models from a local folder only/);
    expect(stderr()).toMatch(/huggingface-cli download google\/gemma-3-4b-it --local-dir models\/gemma-3-4b-it/);
  });
});

describe('guinav model forward', () => {
  it('writes one row of f32 logits per id, matching PyTorch within 1e-4', async () => {
    for (const name of ['gemma3_text-bf16', 'qwen2']) {
      const g = goldenRow(name);
      const out = path.join(tempDir(), 'sub', 'logits.json');
      const code = await guinav(
        'model',
        'forward',
        '--model',
        path.join(MODELS, name),
        '--input-ids',
        g.ids.join(','),
        '--out',
        out,
      );
      expect(code, stderr()).toBe(0);
      const { logits } = JSON.parse(fs.readFileSync(out, 'utf8')) as { logits: number[][] };
      expect(logits).toHaveLength(g.seq);
      expect(logits.every((row) => row.length === g.vocab)).toBe(true);
      const diff = Math.max(...logits.flat().map((v, i) => Math.abs(v - g.logits[i]!)));
      expect(diff).toBeLessThanOrEqual(1e-4);
      expect(stderr()).toMatch(new RegExp(`wrote .*logits\\.json: logits \\[12, ${g.vocab}\\]`));
    }
  });

  it('refuses bad ids, an --out that is an input, and names a broken tensor', async () => {
    const dir = tempDir();
    for (const f of fs.readdirSync(path.join(MODELS, 'llama')))
      fs.copyFileSync(path.join(MODELS, 'llama', f), path.join(dir, f));
    const config = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
    const out = path.join(dir, 'logits.json');

    expect(await guinav('model', 'forward', '--model', dir, '--input-ids', '1,x', '--out', out)).toBe(1);
    expect(stderr()).toMatch(
      /option '--input-ids <ids>' argument '1,x' is invalid\. expected comma-separated token ids/,
    );
    expect(await guinav('model', 'forward', '--model', dir, '--input-ids', '1,328', '--out', out)).toBe(1);
    expect(stderr()).toMatch(/--input-ids: id 328 at position 1 is out of range \(the model's vocab_size is 328\)/);
    expect(
      await guinav('model', 'forward', '--model', dir, '--input-ids', '1', '--out', path.join(dir, 'config.json')),
    ).toBe(1);
    expect(stderr()).toMatch(/--out .*config\.json: is a file of the model folder --model .* \(an input\)/);
    expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(config);
    expect(fs.existsSync(out)).toBe(false);

    const file = SafetensorsFile.open(path.join(dir, 'model.safetensors'));
    const names = file.keys();
    file.close();
    fs.writeFileSync(path.join(dir, 'config.json'), config.replace('"num_hidden_layers": 2', '"num_hidden_layers": 3'));
    expect(await guinav('model', 'forward', '--model', dir, '--input-ids', '1', '--out', out)).toBe(1);
    expect(stderr()).toMatch(/missing tensors model\.layers\.2\.input_layernorm\.weight, /);
    expect(names).not.toContain('model.layers.2.input_layernorm.weight');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('guinav model quantize', () => {
  it('writes the NF4 folder (bitsandbytes keys) that forward --quantize nf4 reproduces; refuses to overwrite', async () => {
    const model = path.join(MODELS, 'llama');
    const out = path.join(tempDir(), 'llama-nf4');
    expect(await guinav('model', 'quantize', '--model', model, '--out', out, '--double-quant'), stderr()).toBe(0);
    expect(stderr()).toMatch(
      /wrote .*llama-nf4: 14 linear weights in NF4 with double quantization, \d+ tensors copied/,
    );
    const file = SafetensorsFile.open(path.join(out, 'model.safetensors'));
    expect(file.keys()).toContain('model.layers.0.mlp.up_proj.weight.quant_state.bitsandbytes__nf4');
    file.close();
    expect(fs.readdirSync(out).sort()).toEqual(
      ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'].sort(),
    );

    // info counts the quantized weights' parameters from their quant state (26,232 as the f32 folder).
    expect(await guinav('model', 'info', '--model', out)).toBe(0);
    expect(stdout()).toMatch(/parameters {3}26,232\n/);
    expect(stdout()).toMatch(/bitsandbytes NF4: the linear layers load in NF4, the rest as f32/);

    const logits = async (dir: string, ...extra: string[]) => {
      const file = path.join(tempDir(), 'logits.json');
      expect(await guinav('model', 'forward', '--model', dir, '--input-ids', '3,17,250', '--out', file, ...extra)).toBe(
        0,
      );
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { logits: number[][] }).logits;
    };
    const stored = await logits(out);
    expect(await logits(model, '--quantize', 'nf4', '--double-quant')).toEqual(stored);
    expect(await logits(model)).not.toEqual(stored);

    // The output exists now: a second run refuses it, and --out cannot be the model folder.
    expect(await guinav('model', 'quantize', '--model', model, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/--out .*llama-nf4: is not empty; give a new or empty folder/);
    expect(await guinav('model', 'quantize', '--model', out, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/--out .*: is inside --model .*; write the output elsewhere/);
    expect(await guinav('model', 'quantize', '--model', out, '--out', path.join(tempDir(), 'again'))).toBe(1);
    expect(stderr()).toMatch(/config\.json: the model is already quantized/);
    expect(await guinav('model', 'quantize', '--model', model, '--out', tempDir(), '--method', 'int4')).toBe(1);
    expect(stderr()).toMatch(/option '--method <method>' argument 'int4' is invalid\. expected one of nf4, int8/);
  });
});
