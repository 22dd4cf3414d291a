import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../io/safetensors/reader.js';
import { applyLora, loraLayers, mergeLora } from '../lora/apply-lora.js';
import { LoraLinear } from '../lora/lora-linear.js';
import { parseLlamaConfig } from '../models/llama/config.js';
import { LlamaForCausalLM } from '../models/llama/modeling.js';
import { Linear } from '../nn/layers.js';
import { tensor } from '../ops/create.js';
import { crossEntropy } from '../ops/loss.js';
import { AdamW } from '../optim/adamw.js';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { expectClose } from '../test-utils/gradcheck.js';
import { values } from '../test-utils/read.js';
import { tempDirs } from '../test-utils/temp-dirs.js';
import { moduleTarget } from '../train/module-target.js';
import { Nf4Linear } from './nf4-linear.js';
import { isSkipped, quantizeModelNf4 } from './quantize-model.js';

const config = parseLlamaConfig({
  vocab_size: 40,
  hidden_size: 32,
  intermediate_size: 48,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  tie_word_embeddings: false,
});
const ids = () => tensor(Int32Array.of(1, 5, 9, 3, 7, 11, 2, 30), [2, 4], 'i32');
const labels = () => tensor(Int32Array.of(5, 9, 3, 7, 11, 2, 30, -100), [2, 4], 'i32');

describeEachBackend('QLoRA', () => {
  it('quantizes every Linear but the head; the quantized model stays close to the original', async () => {
    const model = new LlamaForCausalLM(config, { seed: 1 });
    const before = await values(() => model.forward(ids()));
    const replaced = await quantizeModelNf4(model, { doubleQuant: true });
    expect(replaced.length).toBe(2 * 7);
    expect(replaced).not.toContain('lm_head');
    expect(model.getModule('lm_head')).toBeInstanceOf(Linear);
    expect(model.getModule('model.layers.1.mlp.down_proj')).toBeInstanceOf(Nf4Linear);
    const after = await values(() => model.forward(ids()));
    expect(after).not.toEqual(before);
    // NF4 keeps the logits of this small random model within a few tenths.
    expectClose(after, before, 0.5, 'quantized logits');
    model.dispose();
  });

  it('LoRA trains on an NF4 base: only adapters get gradients, the loss falls, merging dequantizes', async () => {
    const model = new LlamaForCausalLM(config, { seed: 2 });
    await quantizeModelNf4(model);
    const adapted = applyLora(model, { r: 4, alpha: 8, dropout: 0, rslora: false, targetModules: 'all-linear' });
    expect(adapted.length).toBe(14);
    expect(loraLayers(model)[0]![1].base_layer).toBeInstanceOf(Nf4Linear);
    const trainable = model.namedParameters().filter(([, t]) => t.requiresGrad);
    expect(trainable.every(([n]) => /lora_[AB]\.weight$/.test(n))).toBe(true);
    const opt = new AdamW(trainable, { lr: 1e-2 });
    const loss = async () => (await values(() => crossEntropy(model.forward(ids()), labels()).loss))[0]!;
    const first = await loss();
    for (let step = 0; step < 8; step++) {
      tidy(() => crossEntropy(model.forward(ids()), labels()).loss.backward());
      opt.step();
      opt.zeroGrad();
    }
    expect(await loss()).toBeLessThan(first - 0.1);
    opt.dispose();
    const adaptedLogits = await values(() => model.forward(ids()));
    mergeLora(model);
    const q = model.getModule('model.layers.0.self_attn.q_proj');
    expect(q).toBeInstanceOf(Linear);
    expect(q).not.toBeInstanceOf(LoraLinear);
    expectClose(await values(() => model.forward(ids())), adaptedLogits, 1e-4, 'merged logits');
    model.dispose();
  });
});

describe('QLoRA checkpoints', () => {
  const temp = tempDirs('guinav-qlora-');
  it("the Trainer's module target saves the NF4 base and the adapters, and loads them back", async () => {
    const build = async () => {
      const m = new LlamaForCausalLM(config, { seed: 5 });
      await quantizeModelNf4(m, { doubleQuant: true });
      applyLora(m, { r: 2, alpha: 4, dropout: 0, rslora: false, targetModules: ['q_proj', 'down_proj'] });
      return m;
    };
    const model = await build();
    for (const [, layer] of loraLayers(model)) {
      const w = layer.lora_B.weight;
      w.backend.upload(
        w.storage.handle,
        'f32',
        Float32Array.from({ length: w.size }, (_, i) => Math.cos(i) * 0.1),
      );
    }
    const dir = temp();
    await moduleTarget(model).save(dir);
    const file = SafetensorsFile.open(path.join(dir, 'model.safetensors'));
    expect(file.keys()).toContain('model.layers.0.self_attn.q_proj.base_layer.weight.quant_state.bitsandbytes__nf4');
    expect(file.meta('model.layers.0.self_attn.q_proj.base_layer.weight.absmax').dtype).toBe('u8');
    file.close();
    const fresh = await build();
    await moduleTarget(fresh).load(dir);
    expect(await values(() => fresh.forward(ids()))).toEqual(await values(() => model.forward(ids())));
    for (const m of [model, fresh]) m.dispose();
  });
});

describe('which Linear layers stay in full precision', () => {
  it("follows transformers' skip rule", () => {
    expect(isSkipped('lm_head', ['lm_head'])).toBe(true);
    expect(isSkipped('model.layers.0.mlp.up_proj', ['mlp'])).toBe(true);
    expect(isSkipped('model.layers.0.mlp.up_proj', ['up_proj'])).toBe(true);
    expect(isSkipped('model.layers.10.mlp.up_proj', ['layers.1'])).toBe(false);
    expect(isSkipped('model.layers.1.mlp.up_proj', ['layers.1'])).toBe(true);
  });
});
