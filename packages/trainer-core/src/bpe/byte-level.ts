/**
 * The byte-level alphabet of GPT-2 style BPE (Hugging Face `ByteLevel` pre-tokenizer and
 * decoder): every byte is shown as one printable character, so a token is a string and spaces or
 * newlines never appear literally. Printable Latin-1 bytes stand for themselves; the other 68
 * bytes take the characters from U+0100 on, in byte order (`bytes_to_unicode` in GPT-2 and
 * tokenizers).
 */

function buildByteChars(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const chars: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) chars.push(String.fromCodePoint(printable(b) ? b : next++));
  return chars;
}

/** Character of each byte value 0..255. */
export const BYTE_CHARS: readonly string[] = buildByteChars();

const CHAR_BYTES = new Map(BYTE_CHARS.map((c, b) => [c, b]));
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** The byte-level form of `text` (its UTF-8 bytes as alphabet characters). */
export function toByteLevel(text: string): string {
  let out = '';
  for (const b of utf8.encode(text)) out += BYTE_CHARS[b]!;
  return out;
}

/** Back from the byte-level form; invalid UTF-8 becomes U+FFFD, as the ByteLevel decoder does. */
export function fromByteLevel(chars: string): string {
  const bytes: number[] = [];
  for (const c of chars) {
    const b = CHAR_BYTES.get(c);
    if (b === undefined) throw new RangeError(`fromByteLevel: ${JSON.stringify(c)} is not a byte-level character`);
    bytes.push(b);
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}
