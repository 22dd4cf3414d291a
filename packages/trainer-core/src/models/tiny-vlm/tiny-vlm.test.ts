import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { MICRO_VLM } from '../../test-utils/micro-vlm.js';
import { MODEL_FIXTURES } from '../../test-utils/model-fixtures.js';
import { tempDirs } from '../../test-utils/temp-dirs.js';
import { createCausalLM } from '../families.js';
import { loadLlava } from '../llava/load.js';
import { LlavaProcessor } from '../llava/processor.js';
import { createTinyVlm } from './create.js';
import { tinyVlmConfigJson } from './sizes.js';
import { TINY_VLM_CHAT_TEMPLATE, tinyVlmBpe, tinyVlmTokenizer, tinyVlmTokenizerFiles } from './tokenizer-spec.js';

const tmp = tempDirs('guinav-tiny-vlm-');

const files = tinyVlmTokenizerFiles(2048);
const tokenizer = new Tokenizer(JSON.parse(files['tokenizer.json']!), JSON.parse(files['tokenizer_config.json']!));
const encode = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids;
/** guinav's Tokenizer over the same files (chat template included). */
const chat = tinyVlmTokenizer();

const USER = '<image>Instruction: from page_3 to page_12. History: step1: click Shopping_41 icon on page_3.';
const CLICK =
  "Explain:click Animals_523 icon on page_12.\tAction: click(start_box='<|box_start|>(512,340)<|box_end|>')";
const COMPLETE = 'Explain: this is target page.\tAction: complete';

describe('tiny VLM tokenizer', () => {
  it('renders ChatML with images where the messages put them (string or parts)', () => {
    const asText = chat.applyChatTemplate([{ role: 'user', content: '<image>hi' }], { addGenerationPrompt: true });
    const asParts = chat.applyChatTemplate(
      [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'hi' }] }],
      { addGenerationPrompt: true },
    );
    expect(files['chat_template.jinja']).toBe(TINY_VLM_CHAT_TEMPLATE);
    expect(asText).toBe('<|im_start|>user\n<image>hi<|im_end|>\n<|im_start|>assistant\n');
    expect(asParts).toBe(asText);
  });

  it('keeps GE-Lab turns short: the fixed grammar merges, digits stay single', () => {
    const click = encode(CLICK).map((id: number) => tokenizer.id_to_token(id));
    // Explain:click Animals_ | 5 2 3 | icon on page_ | 1 2 | .\tAction: click(start_box=' | <|box_start|> |
    // ( 5 1 2 , 3 4 0 ) | <|box_end|> | ')
    expect(click.length).toBe(20);
    expect(click.filter((t: string) => /^\d$/.test(t)).join('')).toBe('52312512340');
    expect(encode(COMPLETE).length).toBe(1);
    expect(encode(USER).length).toBeLessThanOrEqual(16);
  });

  it('encodes the answer the same alone as after the generation prompt', () => {
    const prompt = chat.applyChatTemplate([{ role: 'user', content: USER }], { addGenerationPrompt: true });
    expect(encode(prompt + CLICK)).toEqual([...encode(prompt), ...encode(CLICK)]);
    expect(chat.encode(prompt + CLICK)).toEqual(encode(prompt + CLICK));
  });

  it('round-trips any text and keeps special tokens whole', () => {
    const text = `<|im_start|>user\n${USER} ünïcode ✓\t\n<|im_end|>`;
    const ids = encode(text);
    expect(ids[0]).toBe(1);
    expect(ids).toContain(3);
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tinyVlmBpe().vocab.length).toBeLessThanOrEqual(704);
  });
});

describe('createTinyVlm', () => {
  it('sizes tiny at 2.6M parameters (counted by hand) and small at 14M', () => {
    const count = (size: 'tiny' | 'small') => {
      const m = createCausalLM(tinyVlmConfigJson(size), { initialize: false });
      const n = m.numParameters();
      m.dispose();
      return n;
    };
    // Vision 706,176 (patch 301,184 + positions 8,192 + 2 x 198,272 + post norm 256), projector
    // 61,824, text 1,844,928 (2 x 135,168 embeddings/head + 4 x 393,600 + norm 192).
    expect(count('tiny')).toBe(2_612_928);
    expect(count('small')).toBe(14_028_160);
  });

  it('writes a complete HF folder that loads back with the same weights', async () => {
    const dir = path.join(tmp(), 'micro');
    const { model } = await createTinyVlm({ dir, size: MICRO_VLM, seed: 3 });
    expect(fs.readdirSync(dir).sort()).toEqual([
      'chat_template.jinja',
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'preprocessor_config.json',
      'processor_config.json',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const { model: loaded } = await loadLlava(dir);
    const name = 'language_model.model.layers.1.mlp.up_proj.weight';
    expect(await loaded.getParameter(name)!.data()).toEqual(await model.getParameter(name)!.data());
    const processor = LlavaProcessor.fromFolder(dir);
    expect(processor.tokensPerImage).toBe(16);
    expect(processor.imageTokenId).toBe(3);
    expect(processor.encode('<image>').length).toBe(16);
    for (const m of [model, loaded]) m.dispose();
  });

  it('declares 144 image tokens for small, and refuses a non-empty folder without touching it', async () => {
    const config = tinyVlmConfigJson('small');
    expect(config.image_seq_length).toBe(144);
    const taken = tmp();
    fs.writeFileSync(path.join(taken, 'keep.txt'), 'mine');
    await expect(createTinyVlm({ dir: taken })).rejects.toThrow(/not empty \(refusing to overwrite/);
    expect(fs.readdirSync(taken)).toEqual(['keep.txt']);
    expect(fs.readFileSync(path.join(taken, 'keep.txt'), 'utf8')).toBe('mine');
  });
});

describe('LlavaProcessor', () => {
  const fixture = path.join(MODEL_FIXTURES, 'llava');
  it('expands each <image> to (S/p)^2 tokens and checks the image count', async () => {
    const p = LlavaProcessor.fromFolder(fixture);
    expect(p.tokensPerImage).toBe(16);
    const ids = p.encode('<image>x<image>');
    expect(ids.filter((id) => id === p.imageTokenId).length).toBe(32);
    await expect(p.process('<image>', [])).rejects.toThrow(/1 <image> placeholder\(s\) but 0 image\(s\)/);
  });
});
