import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_FIXTURES } from '../test-utils/model-fixtures.js';
import { tempDirs } from '../test-utils/temp-dirs.js';
import { loadTokenizer, saveTokenizer } from './files.js';

const llama = loadTokenizer(path.join(MODEL_FIXTURES, 'llama'));
const qwen2 = loadTokenizer(path.join(MODEL_FIXTURES, 'qwen2'));
const gemma = loadTokenizer(path.join(MODEL_FIXTURES, 'gemma3_text'));

const tempDir = tempDirs('guinav-tok-');

/** A copy of a fixture's tokenizer files, with `edit` applied to name -> text. */
function variant(from: string, edit: (files: Record<string, string>) => void): string {
  const dir = tempDir();
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(path.join(MODEL_FIXTURES, from))) {
    if (name.startsWith('tokenizer') || name.startsWith('chat_template'))
      files[name] = fs.readFileSync(path.join(MODEL_FIXTURES, from, name), 'utf8');
  }
  edit(files);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('tokenizer.json models', () => {
  it('byte-level BPE: unmerged bytes are their own ids (the fixture puts byte b at id b), BOS from the post-processor', () => {
    // é is UTF-8 C3 A9; no merge in the fixture's corpus joins them.
    expect(llama.encode('é', { addSpecialTokens: false })).toEqual([0xc3, 0xa9]);
    expect(llama.encode('é')).toEqual([320, 0xc3, 0xa9]);
    // Qwen2 adds no BOS.
    expect(qwen2.encode('é')).toEqual([0xc3, 0xa9]);
  });

  it('SentencePiece BPE falls back to <0xXX> byte tokens (ids 7 + byte) for unknown characters', () => {
    expect(gemma.encode('é', { addSpecialTokens: false })).toEqual([7 + 0xc3, 7 + 0xa9]);
    expect(gemma.encode('é')[0]).toBe(2);
  });

  it('decodes what it encodes, and drops special tokens on request', () => {
    const text = 'Task: open Settings, then CLICK(Wi-Fi) at [[512, 300]] — ok?';
    for (const t of [llama, qwen2, gemma]) {
      expect(t.decode(t.encode(text, { addSpecialTokens: false }))).toBe(text);
      const withBos = t.encode(text);
      expect(t.decode(withBos, { skipSpecialTokens: true })).toBe(text);
    }
    expect(llama.decode(llama.encode('hi'))).toBe('<|begin_of_text|>hi');
    expect(llama.decode([])).toBe('');
  });

  it('resolves the special tokens of tokenizer_config.json to ids', () => {
    expect(llama.specialTokens).toEqual({
      bos: { content: '<|begin_of_text|>', id: 320 },
      eos: { content: '<|eot_id|>', id: 324 },
      additional: [],
    });
    expect(qwen2.specialTokens.bos).toBeUndefined();
    expect(qwen2.specialTokens.eos).toEqual({ content: '<|im_end|>', id: 322 });
    expect(qwen2.specialTokens.pad).toEqual({ content: '<|endoftext|>', id: 320 });
    expect(qwen2.specialTokens.additional.map((t) => t.id)).toEqual([321, 322]);
    expect([gemma.specialTokens.pad?.id, gemma.specialTokens.eos?.id, gemma.specialTokens.bos?.id]).toEqual([0, 1, 2]);
    expect(gemma.specialTokens.unk).toEqual({ content: '<unk>', id: 3 });
    // len(tokenizer): 320 model tokens + 5 added.
    expect(llama.vocabSize).toBe(325);
    expect(llama.tokenToId('<|eot_id|>')).toBe(324);
    expect(llama.idToToken(0x41)).toBe('A');
  });
});

describe('chat templates', () => {
  const conversation = [
    { role: 'system', content: 'You are a GUI agent.' },
    { role: 'user', content: 'CLICK(Wi-Fi)' },
  ];

  it('render the families’ prompt formats with bos_token and add_generation_prompt', () => {
    expect(llama.applyChatTemplate(conversation, { addGenerationPrompt: true })).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a GUI agent.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nCLICK(Wi-Fi)<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    expect(qwen2.applyChatTemplate([{ role: 'user', content: 'hi' }])).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n',
    );
    expect(
      gemma.applyChatTemplate(
        [
          ...conversation,
          { role: 'assistant', content: 'done' },
          { role: 'user', content: [{ type: 'text', text: 'next' }] },
        ],
        { addGenerationPrompt: true },
      ),
    ).toBe(
      '<bos><start_of_turn>user\nYou are a GUI agent.\n\nCLICK(Wi-Fi)<end_of_turn>\n' +
        '<start_of_turn>model\ndone<end_of_turn>\n<start_of_turn>user\nnext<end_of_turn>\n<start_of_turn>model\n',
    );
  });

  it('encodeChat does not add a second BOS (the template has one)', () => {
    const ids = llama.encodeChat(conversation, { addGenerationPrompt: true });
    expect(ids.slice(0, 2)).toEqual([320, 322]);
    expect(ids.filter((i) => i === 320)).toHaveLength(1);
    expect(ids.at(-1)).toBe(llama.encode('\n\n', { addSpecialTokens: false }).at(-1));
  });

  it('names the folder when the template raises, and variables reach the template', () => {
    expect(() =>
      gemma.applyChatTemplate([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
      ]),
    ).toThrow(/gemma3_text: chat template "default" failed: .*roles must alternate/);
    const dir = variant('qwen2', (f) => {
      f['chat_template.jinja'] =
        "{{ greeting }} {{ messages[0]['content'] }}{% if tools is none %} no tools{% endif %}";
    });
    const t = loadTokenizer(dir);
    // chat_template.jinja wins over tokenizer_config.json's; tools is None when not given, as in transformers.
    expect(t.applyChatTemplate([{ role: 'user', content: 'x' }], { variables: { greeting: 'hello' } })).toBe(
      'hello x no tools',
    );
  });

  it('picks a named template (tool_use when tools are given) and says when there is none', () => {
    const dir = variant('qwen2', (f) => {
      const config = JSON.parse(f['tokenizer_config.json']!);
      config.chat_template = [
        { name: 'default', template: 'plain' },
        { name: 'tool_use', template: '{{ tools | length }} tools' },
      ];
      f['tokenizer_config.json'] = JSON.stringify(config);
    });
    const t = loadTokenizer(dir);
    expect(t.chatTemplates).toEqual(['default', 'tool_use']);
    expect(t.applyChatTemplate([])).toBe('plain');
    expect(t.applyChatTemplate([], { tools: [{}, {}] })).toBe('2 tools');
    expect(() => t.applyChatTemplate([], { template: 'rag' })).toThrow(/no chat template named "rag"/);

    const none = loadTokenizer(
      variant('qwen2', (f) => {
        const config = JSON.parse(f['tokenizer_config.json']!);
        delete config.chat_template;
        f['tokenizer_config.json'] = JSON.stringify(config);
      }),
    );
    expect(none.chatTemplates).toEqual([]);
    expect(() => none.applyChatTemplate([{ role: 'user', content: 'x' }])).toThrow(/has no chat template/);
  });
});

describe('tokenizer files', () => {
  it('saves the files it was loaded from, byte for byte', async () => {
    const dir = tempDir();
    const names = await saveTokenizer(dir, gemma);
    expect(names.sort()).toEqual(['tokenizer.json', 'tokenizer_config.json']);
    for (const name of names) {
      expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe(
        fs.readFileSync(path.join(MODEL_FIXTURES, 'gemma3_text', name), 'utf8'),
      );
    }
    expect(loadTokenizer(dir).encode('CLICK(Wi-Fi)')).toEqual(gemma.encode('CLICK(Wi-Fi)'));
  });

  it('fails with the file and the field', () => {
    const empty = tempDir();
    expect(() => loadTokenizer(empty)).toThrow(new RegExp(`${empty}: no tokenizer.json$`));
    fs.writeFileSync(path.join(empty, 'tokenizer.model'), '');
    expect(() => loadTokenizer(empty)).toThrow(/only a SentencePiece tokenizer.model/);
    const bad = variant('llama', (f) => {
      f['tokenizer.json'] = '{"model": ';
    });
    expect(() => loadTokenizer(bad)).toThrow(/tokenizer\.json: not valid JSON/);
    const noModel = variant('llama', (f) => {
      f['tokenizer.json'] = '{"added_tokens": []}';
    });
    expect(() => loadTokenizer(noModel)).toThrow(/tokenizer\.json: field "model"/);
    const unknown = variant('llama', (f) => {
      f['tokenizer_config.json'] = JSON.stringify({ bos_token: '<s>' });
    });
    expect(() => loadTokenizer(unknown)).toThrow(
      /tokenizer_config\.json: field "bos_token": "<s>" is not in the vocabulary/,
    );
    const objectToken = variant('llama', (f) => {
      f['tokenizer_config.json'] = JSON.stringify({ eos_token: { content: '<|eot_id|>', __type: 'AddedToken' } });
    });
    expect(loadTokenizer(objectToken).specialTokens.eos?.id).toBe(324);
  });
});
