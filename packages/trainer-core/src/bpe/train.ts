/**
 * Learning byte-level BPE merges from a corpus (the algorithm of Sennrich et al. as the
 * tokenizers library's BpeTrainer runs it): count adjacent symbol pairs over the corpus' pieces
 * weighted by how often each piece occurs, merge the most frequent pair everywhere, repeat until
 * the vocabulary is full or no pair occurs `minFrequency` times. Ties go to the pair whose
 * symbols sort first, so the result depends on the corpus only.
 */
import { BYTE_CHARS, toByteLevel } from './byte-level.js';
import { splitIsolated, splitSpecialTokens } from './pieces.js';

export interface BpeTrainingOptions {
  /** Total vocabulary: special tokens + 256 bytes + merges. */
  vocabSize: number;
  /** Given the first ids, in order; never merged with anything. */
  specialTokens: readonly string[];
  /** A pair must occur at least this often to be merged (default 2). */
  minFrequency?: number;
}

export interface TrainedBpe {
  /** Token of each id: the special tokens, the 256 byte characters, then one token per merge. */
  vocab: string[];
  /** Merges by rank (byte-level strings). */
  merges: [string, string][];
}

interface Word {
  symbols: string[];
  count: number;
}

const SEP = '\u0000';
const pairKey = (a: string, b: string) => `${a}${SEP}${b}`;

/** Byte-level pieces of the corpus with their counts. */
function countPieces(texts: Iterable<string>, specials: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const part of splitSpecialTokens(text, specials)) {
      if (part.special) continue;
      for (const piece of splitIsolated(part.text)) {
        const key = toByteLevel(piece);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  return counts;
}

class PairTable {
  readonly counts = new Map<string, number>();
  readonly words = new Map<string, Set<number>>();

  add(word: Word, index: number, sign: 1 | -1): void {
    for (let i = 0; i + 1 < word.symbols.length; i++) {
      const key = pairKey(word.symbols[i]!, word.symbols[i + 1]!);
      const n = (this.counts.get(key) ?? 0) + sign * word.count;
      if (n === 0) this.counts.delete(key);
      else this.counts.set(key, n);
      if (sign > 0) {
        const set = this.words.get(key) ?? new Set<number>();
        set.add(index);
        this.words.set(key, set);
      }
    }
  }

  best(minFrequency: number): string | undefined {
    let bestKey: string | undefined;
    let bestCount = minFrequency - 1;
    for (const [key, n] of this.counts) {
      if (n > bestCount || (n === bestCount && bestKey !== undefined && key < bestKey)) {
        bestKey = key;
        bestCount = n;
      }
    }
    return bestKey;
  }
}

function mergeSymbols(symbols: string[], a: string, b: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
      out.push(a + b);
      i++;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}

export function trainByteLevelBpe(texts: Iterable<string>, options: BpeTrainingOptions): TrainedBpe {
  const specials = options.specialTokens;
  const base = specials.length + BYTE_CHARS.length;
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < base) {
    throw new RangeError(`trainByteLevelBpe: vocabSize must be an integer >= ${base} (specials + 256 bytes)`);
  }
  if (new Set(specials).size !== specials.length) throw new Error('trainByteLevelBpe: special tokens repeat');
  const vocab = [...specials, ...BYTE_CHARS];
  const known = new Set(vocab);
  const words: Word[] = [...countPieces(texts, specials)].map(([piece, count]) => ({ symbols: [...piece], count }));
  const pairs = new PairTable();
  words.forEach((w, i) => {
    pairs.add(w, i, 1);
  });
  const merges: [string, string][] = [];
  while (vocab.length < options.vocabSize) {
    const key = pairs.best(options.minFrequency ?? 2);
    if (key === undefined) break;
    const [a, b] = key.split(SEP) as [string, string];
    for (const index of pairs.words.get(key) ?? []) {
      const word = words[index]!;
      pairs.add(word, index, -1);
      word.symbols = mergeSymbols(word.symbols, a, b);
      pairs.add(word, index, 1);
    }
    pairs.words.delete(key);
    pairs.counts.delete(key);
    // Two merges can spell the same token ("ab"+"c" and "a"+"bc"): it gets one id, as in tokenizers.
    merges.push([a, b]);
    if (!known.has(a + b)) {
      known.add(a + b);
      vocab.push(a + b);
    }
  }
  return { vocab, merges };
}
