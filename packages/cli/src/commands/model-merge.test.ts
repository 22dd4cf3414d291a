import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SafetensorsFile, type TensorToWrite, writeSafetensors } from '@guinav/trainer-core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';
import { FIXTURES, LLAMA_FIXTURE, MINI_WORLD, VLM_FIXTURE } from '../test-utils/fixtures.js';

const { guinav, stdout, stderr } = cliHarness();
const IMAGE = path.join(MINI_WORLD, 'images', 'page_3.png');
const LLAMA_BF16 = path.join(FIXTURES, 'models', 'llama-bf16');
const LLAMA_IDS = '320,5,17,200,42,9';
const LLAMA_TARGETS = [
  'model.layers.0.self_attn.q_proj',
  'model.layers.1.self_attn.v_proj',
  'model.layers.1.mlp.down_proj',
];
const R = 4;
const ALPHA = 8;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-model-merge-'));
let n = 0;
const fresh = (name: string) => path.join(root, `${name}-${++n}`);
afterEach(() => vi.restoreAllMocks());
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface AdapterSpec {
  base: string;
  /** Checkpoint keys (without `.weight`) of the adapted Linears in the base folder. */
  modules: string[];
  /** The module path PEFT writes (default the checkpoint key: transformers' save_pretrained layout). */
  peftPath?: (module: string) => string;
  zeroB?: boolean;
}

/** A[k] and B[k] of module m: fixed values, B zero for a fresh adapter (PEFT's initialisation). */
const aValue = (m: number, i: number) => 0.1 * Math.sin(1.7 * i + m);
const bValue = (m: number, i: number) => 0.1 * Math.cos(0.9 * i + 2 * m);

/** Writes a PEFT adapter folder by hand, as PEFT's save_pretrained lays it out. */
async function writeAdapter(dir: string, spec: AdapterSpec): Promise<string> {
  const file = SafetensorsFile.open(path.join(spec.base, 'model.safetensors'));
  const tensors: TensorToWrite[] = spec.modules.flatMap((m, k) => {
    const [out, inner] = file.meta(`${m}.weight`).shape as [number, number];
    const key = `base_model.model.${spec.peftPath ? spec.peftPath(m) : m}`;
    const a = Float32Array.from({ length: R * inner }, (_, i) => aValue(k, i));
    const b = Float32Array.from({ length: out * R }, (_, i) => (spec.zeroB ? 0 : bValue(k, i)));
    return [
      { name: `${key}.lora_A.weight`, dtype: 'f32', shape: [R, inner], data: a },
      { name: `${key}.lora_B.weight`, dtype: 'f32', shape: [out, R], data: b },
    ];
  });
  file.close();
  fs.mkdirSync(dir, { recursive: true });
  await writeSafetensors(path.join(dir, 'adapter_model.safetensors'), tensors, { metadata: { format: 'pt' } });
  const config = {
    base_model_name_or_path: spec.base,
    bias: 'none',
    lora_alpha: ALPHA,
    lora_dropout: 0.05,
    peft_type: 'LORA',
    r: R,
    target_modules: [...new Set(spec.modules.map((m) => m.split('.').at(-1)))],
    task_type: 'CAUSAL_LM',
    use_rslora: false,
  };
  fs.writeFileSync(path.join(dir, 'adapter_config.json'), JSON.stringify(config, null, 2));
  return dir;
}

async function forward(model: string, ids: string, ...extra: string[]): Promise<number[]> {
  const out = `${fresh('logits')}.json`;
  const code = await guinav('model', 'forward', '--model', model, '--input-ids', ids, '--out', out, ...extra);
  expect(code, stderr()).toBe(0);
  return (JSON.parse(fs.readFileSync(out, 'utf8')) as { logits: number[][] }).logits.flat();
}

async function merge(base: string, adapter: string, ...extra: string[]): Promise<string> {
  const out = fresh('merged');
  const code = await guinav('model', 'merge', '--base', base, '--adapter', adapter, '--out', out, ...extra);
  expect(code, stderr()).toBe(0);
  return out;
}

const maxDiff = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
};

function readTensor(dir: string, key: string) {
  const file = SafetensorsFile.open(path.join(dir, 'model.safetensors'));
  try {
    const meta = file.meta(key);
    // Values of f32 tensors; the tests read bf16 ones for their dtype only.
    return { dtype: meta.dtype, values: meta.dtype === 'f32' ? [...(file.read(key) as Float32Array)] : [] };
  } finally {
    file.close();
  }
}

describe('guinav model merge', () => {
  it('writes W + (alpha / r) B A and gives the logits of the unmerged adapter (= model forward --adapter)', async () => {
    const adapter = await writeAdapter(fresh('adapter'), { base: LLAMA_FIXTURE, modules: LLAMA_TARGETS });
    const merged = await merge(LLAMA_FIXTURE, adapter);
    expect(stderr()).toMatch(/wrote .*LlamaForCausalLM with the adapter .* merged \(r 4, alpha 8\), weights in f32/);
    expect(fs.readdirSync(merged).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    for (const f of ['generation_config.json', 'tokenizer.json', 'tokenizer_config.json']) {
      expect(fs.readFileSync(path.join(merged, f), 'utf8')).toBe(fs.readFileSync(path.join(LLAMA_FIXTURE, f), 'utf8'));
    }
    expect(JSON.parse(fs.readFileSync(path.join(merged, 'config.json'), 'utf8'))).toMatchObject({
      architectures: ['LlamaForCausalLM'],
      torch_dtype: 'float32',
    });

    // The second target by hand: v_proj of layer 1 is [16, 24], A [4, 24], B [16, 4], scaling 8 / 4.
    const key = 'model.layers.1.self_attn.v_proj.weight';
    const base = readTensor(LLAMA_FIXTURE, key).values;
    const got = readTensor(merged, key);
    expect(got.dtype).toBe('f32');
    let worst = 0;
    for (let o = 0; o < 16; o++) {
      for (let i = 0; i < 24; i++) {
        let delta = 0;
        for (let k = 0; k < R; k++) delta += bValue(1, o * R + k) * aValue(1, k * 24 + i);
        worst = Math.max(worst, Math.abs(got.values[o * 24 + i]! - (base[o * 24 + i]! + (ALPHA / R) * delta)));
      }
    }
    expect(worst).toBeLessThan(1e-6);
    // An untargeted weight is copied as it was.
    expect(readTensor(merged, 'model.layers.0.self_attn.k_proj.weight').values).toEqual(
      readTensor(LLAMA_FIXTURE, 'model.layers.0.self_attn.k_proj.weight').values,
    );

    const plain = await forward(LLAMA_FIXTURE, LLAMA_IDS);
    const unmerged = await forward(LLAMA_FIXTURE, LLAMA_IDS, '--adapter', adapter);
    const fromMerged = await forward(merged, LLAMA_IDS);
    expect(maxDiff(unmerged, plain)).toBeGreaterThan(1e-2);
    expect(maxDiff(fromMerged, unmerged)).toBeLessThan(1e-5);
  });

  it('a fresh adapter (B = 0) changes no weight and no logit', async () => {
    const adapter = await writeAdapter(fresh('adapter'), { base: LLAMA_FIXTURE, modules: LLAMA_TARGETS, zeroB: true });
    const merged = await merge(LLAMA_FIXTURE, adapter);
    const key = 'model.layers.0.self_attn.q_proj.weight';
    expect(readTensor(merged, key).values).toEqual(readTensor(LLAMA_FIXTURE, key).values);
    const plain = await forward(LLAMA_FIXTURE, LLAMA_IDS);
    expect(await forward(LLAMA_FIXTURE, LLAMA_IDS, '--adapter', adapter)).toEqual(plain);
    expect(await forward(merged, LLAMA_IDS)).toEqual(plain);
  });

  it("keeps a bf16 base's dtype (as save_pretrained does), or the --dtype asked for", async () => {
    const adapter = await writeAdapter(fresh('adapter'), { base: LLAMA_BF16, modules: LLAMA_TARGETS });
    const key = 'model.layers.0.self_attn.q_proj.weight';
    const merged = await merge(LLAMA_BF16, adapter);
    expect(readTensor(merged, key).dtype).toBe('bf16');
    expect(readTensor(merged, 'model.norm.weight').dtype).toBe('bf16');
    expect(JSON.parse(fs.readFileSync(path.join(merged, 'config.json'), 'utf8')).torch_dtype).toBe('bfloat16');
    const f32 = await merge(LLAMA_BF16, adapter, '--dtype', 'float32');
    expect(readTensor(f32, key).dtype).toBe('f32');
    expect(JSON.parse(fs.readFileSync(path.join(f32, 'config.json'), 'utf8')).torch_dtype).toBe('float32');
  });

  it('merges a LLaVA adapter saved on transformers >= 4.52 module names, keeping the processor files', async () => {
    const modules = ['language_model.model.layers.0.self_attn.q_proj', 'language_model.model.layers.1.mlp.up_proj'];
    const adapter = await writeAdapter(fresh('adapter'), {
      base: VLM_FIXTURE,
      modules,
      peftPath: (m) => m.replace(/^language_model\.model\./, 'model.language_model.'),
    });
    const merged = await merge(VLM_FIXTURE, adapter);
    for (const f of [
      'chat_template.jinja',
      'generation_config.json',
      'preprocessor_config.json',
      'processor_config.json',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]) {
      expect(fs.readFileSync(path.join(merged, f), 'utf8'), f).toBe(fs.readFileSync(path.join(VLM_FIXTURE, f), 'utf8'));
    }
    const ids = '1,301,16,3,326,2';
    const plain = await forward(VLM_FIXTURE, ids, '--image', IMAGE);
    const unmerged = await forward(VLM_FIXTURE, ids, '--image', IMAGE, '--adapter', adapter);
    const fromMerged = await forward(merged, ids, '--image', IMAGE);
    expect(maxDiff(unmerged, plain)).toBeGreaterThan(1e-3);
    expect(maxDiff(fromMerged, unmerged)).toBeLessThan(1e-5);

    // infer --adapter replies as the merged folder does.
    const infer = async (...args: string[]) => {
      const prompt = ['--image', IMAGE, '--prompt', 'Instruction: open page_12.', '--max-new-tokens', '6', '--json'];
      expect(await guinav('infer', ...args, ...prompt), stderr()).toBe(0);
      return JSON.parse(stdout().split('\n').at(-1)!) as { tokens: number[] };
    };
    expect((await infer('--model', VLM_FIXTURE, '--adapter', adapter)).tokens).toEqual(
      (await infer('--model', merged)).tokens,
    );
  });

  it('names the file and the tensor of an adapter that does not fit, and the missing adapter_config.json', async () => {
    const out = fresh('merged');
    const run = (adapter: string) =>
      guinav('model', 'merge', '--base', LLAMA_FIXTURE, '--adapter', adapter, '--out', out);

    const noConfig = await writeAdapter(fresh('adapter'), { base: LLAMA_FIXTURE, modules: LLAMA_TARGETS });
    fs.rmSync(path.join(noConfig, 'adapter_config.json'));
    expect(await run(noConfig)).toBe(1);
    expect(stderr()).toContain(`--adapter ${noConfig}: ${path.join(noConfig, 'adapter_config.json')}`);

    // A LLaVA adapter: module paths this Llama does not have.
    const llava = await writeAdapter(fresh('adapter'), {
      base: VLM_FIXTURE,
      modules: ['language_model.model.layers.0.self_attn.q_proj'],
    });
    expect(await run(llava)).toBe(1);
    expect(stderr()).toMatch(
      /adapter_model\.safetensors: tensor base_model\.model\.language_model\.model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight targets .* which this model does not have/,
    );

    // Same names, another model's sizes (LLaVA's text model is 32 wide, this Llama 24).
    const wide = await writeAdapter(fresh('adapter'), {
      base: VLM_FIXTURE,
      modules: ['language_model.model.layers.0.self_attn.q_proj'],
      peftPath: (m) => m.replace(/^language_model\./, ''),
    });
    expect(await run(wide)).toBe(1);
    expect(stderr()).toMatch(
      /adapter_model\.safetensors: tensor base_model\.model\.model\.layers\.0\.self_attn\.q_proj\.lora_A\.weight has shape \[4, 32\], the model expects \[4, 24\]/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses --out on or inside an input (merge and forward), a non-empty --out and a quantized base, before any work', async () => {
    const adapter = await writeAdapter(fresh('adapter'), { base: LLAMA_FIXTURE, modules: LLAMA_TARGETS });
    const before = fs.readdirSync(adapter).sort();
    const run = (base: string, out: string) =>
      guinav('model', 'merge', '--base', base, '--adapter', adapter, '--out', out);

    expect(await run(LLAMA_FIXTURE, LLAMA_FIXTURE)).toBe(1);
    expect(stderr()).toMatch(/--out .*: is inside --base/);
    expect(await run(LLAMA_FIXTURE, path.join(adapter, 'merged'))).toBe(1);
    expect(stderr()).toMatch(/--out .*: is inside --adapter/);
    const overConfig = path.join(adapter, 'adapter_config.json');
    expect(
      await guinav(
        'model',
        'forward',
        '--model',
        LLAMA_FIXTURE,
        '--adapter',
        adapter,
        '--input-ids',
        '1',
        '--out',
        overConfig,
      ),
    ).toBe(1);
    expect(stderr()).toMatch(/--out .*adapter_config\.json: is a file of the adapter folder --adapter/);
    expect(fs.readdirSync(adapter).sort()).toEqual(before);

    const full = fresh('full');
    fs.mkdirSync(full);
    fs.writeFileSync(path.join(full, 'notes.txt'), 'mine');
    expect(await run(LLAMA_FIXTURE, full)).toBe(1);
    expect(stderr()).toMatch(/--out .*: is not empty/);
    expect(fs.readdirSync(full)).toEqual(['notes.txt']);

    const nf4 = fresh('nf4');
    expect(await guinav('model', 'quantize', '--model', LLAMA_FIXTURE, '--out', nf4), stderr()).toBe(0);
    expect(await run(nf4, fresh('merged'))).toBe(1);
    expect(stderr()).toMatch(/--base .*: is quantized \(bitsandbytes nf4, quantization_config in config\.json\)/);
  });
});
