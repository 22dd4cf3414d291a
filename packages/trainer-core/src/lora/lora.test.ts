import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../io/safetensors/reader.js';
import { writeSafetensors } from '../io/safetensors/writer.js';
import { parseLlamaConfig } from '../models/llama/config.js';
import { LlamaForCausalLM } from '../models/llama/modeling.js';
import { tensor } from '../ops/create.js';
import { crossEntropy } from '../ops/loss.js';
import { f32ArrayToBf16 } from '../tensor/half.js';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { expectClose } from '../test-utils/gradcheck.js';
import { values } from '../test-utils/read.js';
import { applyLora, loraLayers, mergeLora, setLoraEnabled, withLoraDisabled } from './apply-lora.js';
import { LoraLinear } from './lora-linear.js';
import { loadAdapter, saveAdapter } from './peft-adapter.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-lora-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const config = parseLlamaConfig({
  vocab_size: 24,
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
});
const ids = () => tensor(Int32Array.of(1, 5, 9, 3, 7), [1, 5], 'i32');
const lora = { r: 4, alpha: 8, dropout: 0, rslora: false };

/** Gives every adapter non-zero B (as training would) so it changes the output. */
function perturb(model: LlamaForCausalLM): void {
  for (const [, layer] of loraLayers(model)) {
    const w = layer.lora_B.weight;
    w.backend.upload(
      w.storage.handle,
      'f32',
      Float32Array.from({ length: w.size }, (_, i) => Math.sin(i + 1) * 0.05),
    );
  }
}

describeEachBackend('LoRA', () => {
  it('a fresh adapter leaves the logits unchanged; a trained one changes them; disabled gives the base back', async () => {
    const model = new LlamaForCausalLM(config, { seed: 1 });
    const base = await values(() => model.forward(ids()));
    applyLora(model, { ...lora, targetModules: ['q_proj', 'v_proj'] });
    expect(await values(() => model.forward(ids()))).toEqual(base);
    perturb(model);
    const adapted = await values(() => model.forward(ids()));
    expect(adapted).not.toEqual(base);
    expect(await values(() => withLoraDisabled(model, () => model.forward(ids())))).toEqual(base);
    setLoraEnabled(model, true);
    model.dispose();
  });

  it('merged and unmerged compute the same logits', async () => {
    const model = new LlamaForCausalLM(config, { seed: 2 });
    applyLora(model, { ...lora, targetModules: 'all-linear' });
    perturb(model);
    const before = await values(() => model.forward(ids()));
    mergeLora(model);
    expect(loraLayers(model)).toEqual([]);
    expect(model.getParameter('model.layers.0.self_attn.q_proj.weight')).toBeDefined();
    expectClose(await values(() => model.forward(ids())), before, 1e-5, 'merged logits');
    model.dispose();
  });

  it('only the adapters get gradients', async () => {
    const model = new LlamaForCausalLM(config, { seed: 3 });
    applyLora(model, { ...lora, targetModules: 'all-linear' });
    tidy(() =>
      crossEntropy(model.forward(ids()), tensor(Int32Array.of(5, 9, 3, 7, -100), [1, 5], 'i32')).loss.backward(),
    );
    const withGrad = model
      .namedParameters()
      .filter(([, t]) => t.grad !== null)
      .map(([n]) => n);
    expect(withGrad.length).toBe(2 * 7 * 2);
    expect(withGrad.every((n) => /lora_[AB]\.weight$/.test(n))).toBe(true);
    // B starts at 0, so A gets no gradient yet but B does.
    const b = loraLayers(model)[0]![1].lora_B.weight.grad!;
    expect((await b.array()).some((v) => v !== 0)).toBe(true);
    model.dispose();
  });
});

describe('LoRA targets and initialisation (PEFT rules)', () => {
  it('all-linear adapts every Linear but the output head; named targets match path endings', () => {
    const model = new LlamaForCausalLM(config);
    const all = applyLora(model, { ...lora, targetModules: 'all-linear' });
    expect(all.length).toBe(2 * 7);
    expect(all).not.toContain('lm_head');
    const other = new LlamaForCausalLM(config);
    expect(applyLora(other, { ...lora, targetModules: ['q_proj', 'v_proj'] })).toEqual([
      'model.layers.0.self_attn.q_proj',
      'model.layers.0.self_attn.v_proj',
      'model.layers.1.self_attn.q_proj',
      'model.layers.1.self_attn.v_proj',
    ]);
    expect(() => applyLora(new LlamaForCausalLM(config), { ...lora, targetModules: ['nope'] })).toThrow(
      'LoRA: no Linear layer matches target modules nope',
    );
    for (const m of [model, other]) m.dispose();
  });

  it('draws A from U(-1/sqrt(in), 1/sqrt(in)), B = 0, and scales by alpha / r (alpha / sqrt(r) with rsLoRA)', () => {
    const model = new LlamaForCausalLM(config);
    applyLora(model, { ...lora, targetModules: ['down_proj'] });
    const layer = loraLayers(model)[0]![1];
    const a = layer.lora_A.weight.arraySync();
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(24));
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.8 / Math.sqrt(24));
    expect(layer.lora_B.weight.arraySync().every((v) => v === 0)).toBe(true);
    expect(layer.scaling).toBe(2);
    expect(new LoraLinear(layer.base_layer, { ...lora, rslora: true }).scaling).toBe(4);
    model.dispose();
  });
});

describe('PEFT adapter files', () => {
  it('writes adapter_config.json as PEFT does and adapter_model.safetensors with PEFT keys; reads them back', async () => {
    const model = new LlamaForCausalLM(config, { seed: 4 });
    applyLora(model, { ...lora, dropout: 0.05, targetModules: ['q_proj', 'v_proj'] });
    perturb(model);
    const out = path.join(dir, 'adapter');
    await saveAdapter(out, model, { baseModelNameOrPath: 'runs/x/sft/final_model' });
    const text = fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8');
    expect(text).toBe(`{
  "alpha_pattern": {},
  "base_model_name_or_path": "runs/x/sft/final_model",
  "bias": "none",
  "fan_in_fan_out": false,
  "inference_mode": true,
  "init_lora_weights": true,
  "layers_pattern": null,
  "layers_to_transform": null,
  "lora_alpha": 8,
  "lora_dropout": 0.05,
  "modules_to_save": null,
  "peft_type": "LORA",
  "r": 4,
  "rank_pattern": {},
  "revision": null,
  "target_modules": [
    "q_proj",
    "v_proj"
  ],
  "task_type": "CAUSAL_LM",
  "use_dora": false,
  "use_rslora": false
}`);
    const file = SafetensorsFile.open(path.join(out, 'adapter_model.safetensors'));
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.keys().sort()).toEqual([
      'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight',
      'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight',
      'base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight',
      'base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight',
      'base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight',
      'base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight',
      'base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight',
      'base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight',
    ]);
    expect(file.meta('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight').shape).toEqual([4, 16]);
    expect(file.meta('base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight').shape).toEqual([8, 4]);
    file.close();
    const fresh = new LlamaForCausalLM(config, { seed: 4 });
    loadAdapter(out, fresh);
    // Eval mode: LoRA dropout (0.05 here) only acts in training.
    expect(fresh.eval().forward(ids()).arraySync()).toEqual(model.eval().forward(ids()).arraySync());
    for (const m of [model, fresh]) m.dispose();
  });

  it('reads adapters as PEFT may write them (bf16 weights, an adapter name in the key) and names what it refuses', async () => {
    const out = path.join(dir, 'peft-made');
    fs.mkdirSync(out);
    fs.writeFileSync(
      path.join(out, 'adapter_config.json'),
      JSON.stringify({
        peft_type: 'LORA',
        r: 2,
        lora_alpha: 4,
        target_modules: ['o_proj'],
        task_type: 'CAUSAL_LM',
        bias: 'none',
      }),
    );
    const a = Float32Array.from({ length: 2 * 16 }, (_, i) => (i % 5) * 0.125);
    const b = Float32Array.from({ length: 16 * 2 }, (_, i) => (i % 3) * 0.25);
    await writeSafetensors(path.join(out, 'adapter_model.safetensors'), [
      {
        name: 'base_model.model.model.layers.1.self_attn.o_proj.lora_A.default.weight',
        dtype: 'bf16',
        shape: [2, 16],
        data: f32ArrayToBf16(a),
      },
      { name: 'base_model.model.model.layers.1.self_attn.o_proj.lora_B.weight', dtype: 'f32', shape: [16, 2], data: b },
    ]);
    const model = new LlamaForCausalLM(config);
    loadAdapter(out, model);
    const layer = loraLayers(model)[0]!;
    expect(layer[0]).toBe('model.layers.1.self_attn.o_proj');
    expect(layer[1].lora_A.weight.arraySync()).toEqual(Array.from(a));
    expect(layer[1].scaling).toBe(2);
    fs.writeFileSync(
      path.join(out, 'adapter_config.json'),
      JSON.stringify({ peft_type: 'LORA', r: 2, lora_alpha: 4, target_modules: ['o_proj'], use_dora: true }),
    );
    expect(() => loadAdapter(out, new LlamaForCausalLM(config))).toThrow(
      /adapter_config.json: field "use_dora": DoRA is not supported/,
    );
    model.dispose();
  });
});
