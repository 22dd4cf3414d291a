/**
 * A byte-level BPE as a Hugging Face `tokenizer.json` (the format of the tokenizers library,
 * read by transformers' PreTrainedTokenizerFast, vLLM and @huggingface/tokenizers): special
 * tokens as added tokens (also in the model vocabulary, under the same ids), the digit-isolating
 * `Split` then `ByteLevel` without its GPT-2 regex as pre-tokenizer, a BPE model without unk
 * (every byte is a token), and the ByteLevel decoder. Merges are written as "a b" strings, which
 * every tokenizers version reads (byte-level tokens never contain a space).
 */
import { ISOLATED_PATTERN } from './pieces.js';
import type { TrainedBpe } from './train.js';

export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };

export function byteLevelBpeTokenizerJson(bpe: TrainedBpe, specialTokens: readonly string[]) {
  specialTokens.forEach((t, i) => {
    if (bpe.vocab[i] !== t) throw new Error(`byteLevelBpeTokenizerJson: special token ${t} must have id ${i}`);
  });
  const added: AddedTokenJson[] = specialTokens.map((content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: ISOLATED_PATTERN }, behavior: 'Isolated', invert: false },
        BYTE_LEVEL,
      ],
    },
    post_processor: BYTE_LEVEL,
    decoder: BYTE_LEVEL,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(bpe.vocab.map((t, id) => [t, id])),
      merges: bpe.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

export type TokenizerJson = ReturnType<typeof byteLevelBpeTokenizerJson>;
