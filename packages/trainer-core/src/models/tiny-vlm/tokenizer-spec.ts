/**
 * The tiny VLM's tokenizer: a byte-level BPE whose merges were learned from GE-Lab prompts and
 * answers (tools/tiny-vlm/build-tokenizer.mjs writes merges.ts), ChatML turn markers, the LLaVA
 * image placeholder and the box markers of the click grammar as special tokens, and a chat
 * template that writes images where the messages put them.
 */
import { BYTE_CHARS } from '../../bpe/byte-level.js';
import { byteLevelBpeTokenizerJson } from '../../bpe/tokenizer-json.js';
import type { TrainedBpe } from '../../bpe/train.js';
import { sortedJson } from '../../io/files.js';
import { createTokenizer } from '../../tokenizer/files.js';
import type { Tokenizer } from '../../tokenizer/types.js';
import { TINY_VLM_MERGES } from './merges.js';

/** Ids 0..5, in this order. */
export const TINY_VLM_SPECIAL_TOKENS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<image>',
  '<|box_start|>',
  '<|box_end|>',
] as const;

export const PAD_TOKEN = '<|endoftext|>';
/** The end of an assistant turn: generation stops there. */
export const EOS_TOKEN = '<|im_end|>';
export const IMAGE_TOKEN = '<image>';

/** Vocabulary size the merges were learned for (specials + 256 bytes + merges). */
export const TINY_VLM_VOCAB_SIZE = 1024;

/**
 * ChatML. Content is a string (GE-Lab records put `<image>` in the text) or a list of
 * `{"type": "image"}` / `{"type": "text", "text": ...}` parts, as transformers' processors take.
 */
export const TINY_VLM_CHAT_TEMPLATE = `{%- for message in messages -%}
{{- '<|im_start|>' + message['role'] + '\\n' -}}
{%- if message['content'] is string -%}
{{- message['content'] -}}
{%- else -%}
{%- for part in message['content'] -%}
{%- if part['type'] == 'image' -%}
{{- '<image>' -}}
{%- elif part['type'] == 'text' -%}
{{- part['text'] -}}
{%- endif -%}
{%- endfor -%}
{%- endif -%}
{{- '<|im_end|>\\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}
{{- '<|im_start|>assistant\\n' -}}
{%- endif -%}
`;

/** The trained BPE: ids are the specials, the 256 bytes, then one per merge result. */
export function tinyVlmBpe(): TrainedBpe {
  const vocab: string[] = [...TINY_VLM_SPECIAL_TOKENS, ...BYTE_CHARS];
  const known = new Set(vocab);
  const merges = TINY_VLM_MERGES.map((m) => m.split(' ') as [string, string]);
  for (const [a, b] of merges) {
    if (!known.has(a) || !known.has(b)) throw new Error(`tiny-vlm merges: ${a} ${b} uses an unknown token`);
    if (!known.has(a + b)) {
      known.add(a + b);
      vocab.push(a + b);
    }
  }
  return { vocab, merges };
}

function addedTokensDecoder() {
  return Object.fromEntries(
    TINY_VLM_SPECIAL_TOKENS.map((content, id) => [
      String(id),
      { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
    ]),
  );
}

const EXTRA_SPECIAL = ['<|im_start|>', IMAGE_TOKEN, '<|box_start|>', '<|box_end|>'];

function tokenizerConfig(modelMaxLength: number) {
  return {
    added_tokens_decoder: addedTokensDecoder(),
    additional_special_tokens: EXTRA_SPECIAL,
    bos_token: null,
    clean_up_tokenization_spaces: false,
    eos_token: EOS_TOKEN,
    extra_special_tokens: { image_token: IMAGE_TOKEN },
    model_max_length: modelMaxLength,
    pad_token: PAD_TOKEN,
    padding_side: 'left',
    processor_class: 'LlavaProcessor',
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: null,
  };
}

/** The tokenizer in memory (for rendering and encoding without a folder). */
export function tinyVlmTokenizer(modelMaxLength = 2048): Tokenizer {
  return createTokenizer(byteLevelBpeTokenizerJson(tinyVlmBpe(), TINY_VLM_SPECIAL_TOKENS), {
    config: tokenizerConfig(modelMaxLength),
    chatTemplate: TINY_VLM_CHAT_TEMPLATE,
  });
}

/** The files of the tokenizer, by name: tokenizer.json, tokenizer_config.json, special_tokens_map.json, chat_template.jinja. */
export function tinyVlmTokenizerFiles(modelMaxLength: number): Record<string, string> {
  const json = byteLevelBpeTokenizerJson(tinyVlmBpe(), TINY_VLM_SPECIAL_TOKENS);
  const config = tokenizerConfig(modelMaxLength);
  const specialMap = {
    additional_special_tokens: EXTRA_SPECIAL,
    eos_token: EOS_TOKEN,
    pad_token: PAD_TOKEN,
  };
  return {
    'tokenizer.json': `${JSON.stringify(json, null, 2)}\n`,
    'tokenizer_config.json': sortedJson(config),
    'special_tokens_map.json': sortedJson(specialMap),
    'chat_template.jinja': TINY_VLM_CHAT_TEMPLATE,
  };
}
