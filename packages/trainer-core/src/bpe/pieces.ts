/**
 * How text is cut before BPE, identically when merges are learned and when the saved
 * tokenizer.json encodes: special tokens are matched first (leftmost, longest), then every
 * number character and every newline is isolated (a `Split` on `\p{N}|\n` with behavior
 * `Isolated`; Qwen2 isolates digits the same way), and what lies between is one piece, spaces and
 * punctuation included. So BPE may merge across words: the fixed phrases of a prompt grammar
 * become single tokens, while numbers stay digit by digit (a model composes coordinates from
 * digits instead of memorising 1000 numbers). Newlines end pieces so that a chat turn's header
 * (`assistant\n`) never merges with its content: the answer tokenizes the same whether it
 * follows the generation prompt or sits in a training conversation.
 */

/** The regex of the `Split` pre-tokenizer written to tokenizer.json. */
export const ISOLATED_PATTERN = '\\p{N}|\\n';

const ISOLATED = /[\p{N}\n]/u;

export interface TextPiece {
  text: string;
  /** True for a special token (never split or merged). */
  special: boolean;
}

/** Cuts `text` at special tokens (leftmost match, the longest when several start there). */
export function splitSpecialTokens(text: string, specials: readonly string[]): TextPiece[] {
  const sorted = [...specials].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const out: TextPiece[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const hit = sorted.find((s) => text.startsWith(s, i));
    if (!hit) {
      i++;
      continue;
    }
    if (i > start) out.push({ text: text.slice(start, i), special: false });
    out.push({ text: hit, special: true });
    i += hit.length;
    start = i;
  }
  if (start < text.length) out.push({ text: text.slice(start), special: false });
  return out;
}

/** Isolates each number character and newline of an ordinary (non-special) span. */
export function splitIsolated(text: string): string[] {
  const out: string[] = [];
  let run = '';
  for (const ch of text) {
    if (ISOLATED.test(ch)) {
      if (run) out.push(run);
      out.push(ch);
      run = '';
    } else {
      run += ch;
    }
  }
  if (run) out.push(run);
  return out;
}
