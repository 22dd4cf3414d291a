import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../generate/generate.js';
import { SafetensorsFile } from '../io/safetensors/reader.js';
import { writeSafetensors } from '../io/safetensors/writer.js';
import { applyLora, loraLayers } from '../lora/apply-lora.js';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, saveAdapter } from '../lora/peft-adapter.js';
import { assign } from '../ops/transfer.js';
import { TrainingRng } from '../random/training-rng.js';
import { miniScreenshot } from '../test-utils/micro-vlm.js';
import { MODEL_FIXTURES } from '../test-utils/model-fixtures.js';
import { tempDirs } from '../test-utils/temp-dirs.js';
import { loadChat } from './chat.js';
import { loadLlava } from './llava/load.js';
import { LlavaProcessor } from './llava/processor.js';
import { loadModel } from './load.js';

const LLAVA = path.join(MODEL_FIXTURES, 'llava');
const tempDir = tempDirs('guinav-chat-');
const prompt = {
  messages: [{ role: 'user', content: '<image>Instruction: from page_3 to page_0. History: Null' }],
  images: [miniScreenshot(3)],
};

describe('TextChat (loadChat on a text decoder)', () => {
  it('renders the chat template, batches concurrent prompts, each as it would alone, and refuses images', async () => {
    const dir = path.join(MODEL_FIXTURES, 'llama');
    const { chat, vision } = await loadChat(dir, { generation: { maxNewTokens: 4 } });
    expect(vision).toBe(false);
    const texts = ['hello there', 'the cat', 'a b c d e'];
    const replies = await Promise.all(
      texts.map((content) => chat.respond({ messages: [{ role: 'user', content }], images: [] })),
    );
    expect(chat.batchSizes).toEqual([1 + 2]);
    const { model, tokenizer, generation } = await loadModel(dir);
    for (const [i, content] of texts.entries()) {
      const ids = tokenizer!.encodeChat([{ role: 'user', content }], { addGenerationPrompt: true });
      // The Llama 3 template: <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n...
      expect(tokenizer!.decode(ids)).toContain(`user<|end_header_id|>\n\n${content}<|eot_id|>`);
      const [alone] = await generate(model, [{ ids }], {
        maxNewTokens: 4,
        eosTokenIds: generation.eosTokenIds,
        tokenizer: tokenizer!,
      });
      expect(replies[i]).toEqual({ ...alone, promptTokens: ids.length, prompt: expect.objectContaining({ ids }) });
    }
    await expect(chat.respond({ messages: [{ role: 'user', content: 'x' }], images: ['a.png'] })).rejects.toThrow(
      'a text model (llama) cannot take images; got 1 image(s)',
    );
    model.dispose();
    chat.dispose();
  });
});

/** Copies an adapter folder with its tensor keys renamed (another transformers layout of the same modules). */
async function renamedAdapter(from: string, to: string, rename: (key: string) => string): Promise<void> {
  fs.mkdirSync(to);
  fs.copyFileSync(path.join(from, ADAPTER_CONFIG_FILE), path.join(to, ADAPTER_CONFIG_FILE));
  const file = SafetensorsFile.open(path.join(from, ADAPTER_WEIGHTS_FILE));
  const tensors = file.keys().map((k) => {
    const { dtype, shape } = file.meta(k);
    const data = file.read(k);
    return { name: rename(k), dtype, shape, data: () => data };
  });
  file.close();
  await writeSafetensors(path.join(to, ADAPTER_WEIGHTS_FILE), tensors);
}

describe('loadChat with a PEFT adapter', () => {
  it('merges the adapter: replies equal the unmerged LoRA model, in either transformers layout of LLaVA', async () => {
    const { model } = await loadLlava(LLAVA);
    applyLora(model, { r: 4, alpha: 8, dropout: 0, rslora: false, targetModules: ['q_proj', 'v_proj'] });
    const rng = new TrainingRng(11);
    for (const [, layer] of loraLayers(model)) {
      const b = layer.lora_B.weight;
      assign(
        b,
        Float32Array.from({ length: b.size }, () => rng.normal() * 0.5),
      );
    }
    const saved = path.join(tempDir(), 'adapter');
    await saveAdapter(saved, model, { baseModelNameOrPath: LLAVA });
    // transformers >= 4.52 names LLaVA's text layers model.language_model.layers.N (no inner `model.`).
    const newer = path.join(path.dirname(saved), 'adapter-4.52');
    await renamedAdapter(saved, newer, (k) =>
      k.replace('base_model.model.language_model.model.', 'base_model.model.model.language_model.'),
    );
    expect(fs.readFileSync(path.join(newer, ADAPTER_WEIGHTS_FILE)).includes('model.language_model.layers.0')).toBe(
      true,
    );

    const processor = LlavaProcessor.fromFolder(LLAVA);
    const { ids, pixelValues } = await processor.process(processor.applyChatTemplate(prompt.messages), prompt.images);
    const options = { maxNewTokens: 8, eosTokenIds: [2], suppressTokenIds: [3], tokenizer: processor.tokenizer };
    const [unmerged] = await generate(model, [{ ids, pixelValues }], options);
    model.dispose();

    const replies = [];
    for (const adapter of [undefined, saved, newer]) {
      const { chat } = await loadChat(LLAVA, { adapter, generation: { maxNewTokens: 8 } });
      replies.push(await chat.respond(prompt));
      chat.dispose();
    }
    for (const reply of replies.slice(1)) {
      expect(reply).toEqual({ ...unmerged, promptTokens: ids.length, prompt: expect.objectContaining({ ids }) });
    }
    expect(replies[0]!.tokens).not.toEqual(unmerged!.tokens);
  });

  it('names the adapter folder when it does not fit the model', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, ADAPTER_CONFIG_FILE),
      JSON.stringify({ peft_type: 'LORA', r: 2, lora_alpha: 4, target_modules: ['q_proj'] }),
    );
    await writeSafetensors(path.join(dir, ADAPTER_WEIGHTS_FILE), [
      {
        name: 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight',
        dtype: 'f32',
        shape: [2, 5],
        data: new Float32Array(10),
      },
    ]);
    await expect(
      loadChat(path.join(MODEL_FIXTURES, 'llama'), { adapter: dir, adapterLabel: '--adapter' }),
    ).rejects.toThrow(
      new RegExp(`^--adapter ${dir}: .*lora_A.weight has shape \\[2, 5\\], the model expects \\[2, 24\\]`),
    );
  });
});
