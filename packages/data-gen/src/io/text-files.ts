import { readFile } from 'node:fs/promises';

/** A text input that is not UTF-8: names the file, the line and column, and the byte offset. */
export class InvalidUtf8Error extends Error {
  constructor(
    readonly source: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${source}: ${InvalidUtf8Error.describe(offset, line, column)}`);
    this.name = 'InvalidUtf8Error';
  }

  /** The message without the file name, for reports that name the file themselves. */
  get detail(): string {
    return InvalidUtf8Error.describe(this.offset, this.line, this.column);
  }

  private static describe(offset: number, line: number, column: number): string {
    return `not valid UTF-8 at line ${line}, column ${column} (byte ${offset}); save the file as UTF-8`;
  }
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly: an invalid byte sequence is an error naming `source` and where, never a
 * silent U+FFFD (which would end up in datasets and prompts as if the file had said it).
 */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const offset = firstInvalidByte(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    // Columns count characters like the JSON errors do (the valid text before it, decoded).
    const column = strict.decode(bytes.subarray(lineStart, offset)).length + 1;
    throw new InvalidUtf8Error(source, offset, line, column);
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    try {
      strict.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return bytes.length;
}

/**
 * Reads a text input (`what` says which, for the message when it cannot be read), strictly as
 * UTF-8 (see decodeUtf8).
 */
export async function readTextFile(file: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new Error(`${file}: cannot read ${what} (${(err as Error).message})`);
  }
  return decodeUtf8(bytes, file);
}
