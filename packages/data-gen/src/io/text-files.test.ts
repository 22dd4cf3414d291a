import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, InvalidUtf8Error, readTextFile } from './text-files.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeUtf8', () => {
  it('decodes valid UTF-8, multi-byte characters and a BOM as they are', () => {
    expect(decodeUtf8(bytes('{"a": "é€😀"}'), 'f.json')).toBe('{"a": "é€😀"}');
    expect(decodeUtf8(bytes([0xef, 0xbb, 0xbf], '{}'), 'f.json')).toBe('\uFEFF{}');
  });

  it('names the line, column and byte of the first invalid sequence instead of replacing it with U+FFFD', () => {
    // Latin-1 "café" on line 2: 0xE9 is not followed by continuation bytes.
    const latin1 = bytes('{\n "instruction": "caf', [0xe9], '"\n}');
    expect(() => decodeUtf8(latin1, 'ep.json')).toThrow(
      'ep.json: not valid UTF-8 at line 2, column 21 (byte 22); save the file as UTF-8',
    );
    // A lone continuation byte after a valid 2-byte character; an overlong encoding; a truncated 4-byte one.
    expect(() => decodeUtf8(bytes('é', [0x80]), 'x')).toThrow(/line 1, column 2 \(byte 2\)/);
    expect(() => decodeUtf8(bytes('ab', [0xc0, 0xaf]), 'x')).toThrow(/column 3 \(byte 2\)/);
    expect(() => decodeUtf8(bytes('ab', [0xf0, 0x9f, 0x98]), 'x')).toThrow(/column 3 \(byte 2\)/);
    try {
      decodeUtf8(latin1, 'ep.json');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidUtf8Error);
      expect((err as InvalidUtf8Error).detail).toBe(
        'not valid UTF-8 at line 2, column 21 (byte 22); save the file as UTF-8',
      );
    }
  });

  it('readTextFile names the file that cannot be read', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-text-'));
    await expect(readTextFile(path.join(dir, 'no.json'), 'tasks file')).rejects.toThrow(
      new RegExp(`^${path.join(dir, 'no.json')}: cannot read tasks file \\(ENOENT`),
    );
    await writeFile(path.join(dir, 'bad.json'), bytes('{"a": "', [0xff], '"}'));
    await expect(readTextFile(path.join(dir, 'bad.json'), 'tasks file')).rejects.toThrow(/bad\.json: not valid UTF-8/);
  });
});
