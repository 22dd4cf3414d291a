import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { BYTE_CHARS, fromByteLevel, toByteLevel } from './byte-level.js';
import { splitIsolated, splitSpecialTokens } from './pieces.js';
import { byteLevelBpeTokenizerJson } from './tokenizer-json.js';
import { trainByteLevelBpe } from './train.js';

describe('byte-level alphabet', () => {
  it('is GPT-2 bytes_to_unicode: printable bytes as themselves, space Ġ, newline Ċ, tab ĉ', () => {
    expect(BYTE_CHARS.length).toBe(256);
    expect(new Set(BYTE_CHARS).size).toBe(256);
    expect(BYTE_CHARS[65]).toBe('A');
    expect(BYTE_CHARS[32]).toBe('Ġ');
    expect(BYTE_CHARS[10]).toBe('Ċ');
    expect(BYTE_CHARS[9]).toBe('ĉ');
    expect(BYTE_CHARS[0]).toBe('Ā');
    expect(toByteLevel('a b\n')).toBe('aĠbĊ');
    expect(fromByteLevel(toByteLevel('héllo ✓'))).toBe('héllo ✓');
  });
});

describe('pieces', () => {
  it('isolates special tokens (longest first), each digit and each newline', () => {
    expect(splitSpecialTokens('<a><ab>x<ab', ['<a>', '<ab>'])).toEqual([
      { text: '<a>', special: true },
      { text: '<ab>', special: true },
      { text: 'x<ab', special: false },
    ]);
    expect(splitIsolated('page_12 to (3,40)\nok')).toEqual([
      'page_',
      '1',
      '2',
      ' to (',
      '3',
      ',',
      '4',
      '0',
      ')',
      '\n',
      'ok',
    ]);
  });
});

describe('trainByteLevelBpe', () => {
  it('merges the most frequent pair, weighted by piece counts (hand-computed)', () => {
    // Pieces: "aaab" x2, "ab" x1. Pairs: (a,a) 4, (a,b) 3 -> merge a+a; then (aa,a) 2, (a,b) 3 ->
    // merge a+b; then (aa,ab) 2 -> merge aa+ab; nothing left.
    const bpe = trainByteLevelBpe(['aaab', 'aaab', 'ab', '<s>'], { vocabSize: 1000, specialTokens: ['<s>'] });
    expect(bpe.merges).toEqual([
      ['a', 'a'],
      ['a', 'b'],
      ['aa', 'ab'],
    ]);
    expect(bpe.vocab.slice(0, 2)).toEqual(['<s>', BYTE_CHARS[0]]);
    expect(bpe.vocab.slice(257)).toEqual(['aa', 'ab', 'aaab']);
  });

  it('stops at the vocabulary size, breaks ties by symbol order and never merges across digits', () => {
    const bpe = trainByteLevelBpe(['xy1xy', 'ba1ba'], { vocabSize: 257, specialTokens: [] });
    // (x,y) and (b,a) both occur twice: "b" < "x".
    expect(bpe.merges).toEqual([['b', 'a']]);
    const all = trainByteLevelBpe(['xy1xy', 'ba1ba'], { vocabSize: 300, specialTokens: [] });
    expect(all.merges).toEqual([
      ['b', 'a'],
      ['x', 'y'],
    ]);
  });

  it('refuses a vocabulary smaller than the specials and bytes', () => {
    expect(() => trainByteLevelBpe([], { vocabSize: 256, specialTokens: ['<s>'] })).toThrow(/vocabSize must be/);
  });
});

describe('tokenizer.json', () => {
  const specials = ['<pad>', '<image>'];
  const corpus = ['click(start_box=(12,30))', 'click(start_box=(7,400))', 'click icon on page_3'];
  const bpe = trainByteLevelBpe(corpus, { vocabSize: 400, specialTokens: specials });
  const json = byteLevelBpeTokenizerJson(bpe, specials);
  const tok = new Tokenizer(json, {});

  it('encodes as the training pieces say (specials whole, digits alone, phrases merged) and decodes back', () => {
    const text = '<image>click(start_box=(12,5))';
    const enc = tok.encode(text, { add_special_tokens: false });
    const tokens = enc.ids.map((id: number) => bpe.vocab[id]);
    expect(tokens).toEqual(['<image>', 'click(start_box=(', '1', '2', ',', '5', '))']);
    expect(tok.decode(enc.ids)).toBe(text);
    expect(tok.decode(enc.ids, { skip_special_tokens: true })).toBe('click(start_box=(12,5))');
  });

  it('encodes text it never saw, byte by byte where no merge applies', () => {
    const text = 'Zürich\ttab\nnew';
    const enc = tok.encode(text, { add_special_tokens: false });
    expect(tok.decode(enc.ids)).toBe(text);
  });
});
