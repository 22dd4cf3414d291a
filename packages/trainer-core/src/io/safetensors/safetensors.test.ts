import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { f32ArrayToBf16 } from '../../tensor/half.js';
import { CheckpointFolder, SAFETENSORS_INDEX, writeCheckpointFolder } from './checkpoint-folder.js';
import { MAX_HEADER_BYTES } from './header.js';
import { SafetensorsFile } from './reader.js';
import { writeSafetensors } from './writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-safetensors-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = (name = 'x.safetensors') => path.join(dir, `${n++}-${name}`);

/** A file from a header object and raw data bytes, exactly as given (for malformed cases). */
function rawFile(header: string, data: number[] | Uint8Array = []): string {
  const json = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  const file = tmp();
  fs.writeFileSync(file, bytes);
  return file;
}

const f32Bytes = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
/** Bytes asked for by fs.readSync(fd, buffer, offset, length, position) calls. */
const bytesRead = (calls: unknown[][]) => calls.reduce((s, c) => s + (c[3] as number), 0);

describe('safetensors writer', () => {
  it('writes the bytes transformers writes: u64 length, compact JSON padded with spaces to 8, packed data', async () => {
    const file = tmp();
    const size = await writeSafetensors(file, [
      { name: 'x', dtype: 'f32', shape: [2], data: new Float32Array([1, 2]) },
    ]);
    const json = '{"__metadata__":{"format":"pt"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(json.length).toBe(85); // padded to 88
    const want = new Uint8Array(8 + 88 + 8).fill(0x20, 8, 96);
    new DataView(want.buffer).setBigUint64(0, 88n, true);
    want.set(new TextEncoder().encode(json), 8);
    want.set(f32Bytes(1, 2), 96);
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(want);
    expect(size).toBe(want.length);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('round-trips every dtype it writes, lazily: reading one tensor reads only its bytes', async () => {
    const file = tmp();
    const tensors = [
      { name: 'f32', dtype: 'f32' as const, shape: [2, 2], data: new Float32Array([1, -2, 3.5, 0]) },
      { name: 'bf16', dtype: 'bf16' as const, shape: [3], data: f32ArrayToBf16(new Float32Array([1, 2.5, -3])) },
      { name: 'f16', dtype: 'f16' as const, shape: [1], data: new Uint16Array([0x3c00]) },
      { name: 'i32', dtype: 'i32' as const, shape: [2], data: new Int32Array([-7, 9]) },
      { name: 'u8', dtype: 'u8' as const, shape: [3], data: new Uint8Array([0, 128, 255]) },
      { name: 'i8', dtype: 'i8' as const, shape: [2], data: new Int8Array([-128, 127]) },
      { name: 'empty', dtype: 'f32' as const, shape: [0, 4], data: new Float32Array(0) },
      { name: 'lazy', dtype: 'f32' as const, shape: [1], data: async () => new Float32Array([42]) },
    ];
    await writeSafetensors(file, tensors, { metadata: { format: 'pt', note: 'guinav' } });
    const spy = vi.spyOn(fs, 'readSync');
    const f = SafetensorsFile.open(file);
    const headerBytes = bytesRead(spy.mock.calls);
    expect(f.keys()).toEqual(tensors.map((t) => t.name));
    expect(f.metadata).toEqual({ format: 'pt', note: 'guinav' });
    expect(Array.from(f.read('bf16') as Uint16Array)).toEqual(Array.from(tensors[1]!.data as Uint16Array));
    expect(bytesRead(spy.mock.calls) - headerBytes).toBe(6);
    spy.mockRestore();
    expect(f.meta('bf16')).toEqual({ shape: [3], dtype: 'bf16' });
    expect(Array.from(f.read('f32'))).toEqual([1, -2, 3.5, 0]);
    expect(Array.from(f.read('i32'))).toEqual([-7, 9]);
    expect(Array.from(f.read('u8'))).toEqual([0, 128, 255]);
    expect(Array.from(f.read('i8'))).toEqual([-128, 127]);
    expect(Array.from(f.read('lazy'))).toEqual([42]);
    expect(f.read('empty').length).toBe(0);
    f.close();
    expect(() => f.read('f32')).toThrow(/was closed/);
  });

  it('refuses data that does not match the shape, and leaves no file behind', async () => {
    const file = tmp();
    await expect(
      writeSafetensors(file, [{ name: 'w', dtype: 'f32', shape: [3], data: new Float32Array(2) }]),
    ).rejects.toThrow('writeSafetensors: tensor w has 8 bytes of data, its shape and dtype need 12');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('safetensors reader validation', () => {
  const f32 = (name: string, shape: number[], begin: number, end: number) =>
    `"${name}":{"dtype":"F32","shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`;

  it('reads files written by others: BOOL as u8, I64 narrowed to i32, spaces after the JSON', () => {
    const i64 = new Uint8Array(new BigInt64Array([5n, -3n]).buffer);
    const file = rawFile(
      `{"flags":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]},"pos":{"dtype":"I64","shape":[2],"data_offsets":[2,18]}}   `,
      [1, 0, ...i64],
    );
    const f = SafetensorsFile.open(file);
    expect(f.meta('flags')).toEqual({ shape: [2], dtype: 'u8' });
    expect(Array.from(f.read('flags'))).toEqual([1, 0]);
    expect(Array.from(f.read('pos'))).toEqual([5, -3]);
    f.close();
    const big = new Uint8Array(new BigInt64Array([2n ** 40n]).buffer);
    const g = SafetensorsFile.open(rawFile('{"p":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', big));
    expect(() => g.read('p')).toThrow(/tensor p holds 1099511627776 at index 0, outside the i32 range/);
    g.close();
  });

  it('names the file and the tensor for every malformed header', () => {
    const cases: [string, () => string, RegExp][] = [
      [
        'short file',
        () => {
          const p = tmp();
          fs.writeFileSync(p, new Uint8Array(4));
          return p;
        },
        /4 bytes is shorter than the 8-byte header length/,
      ],
      [
        'length past the end',
        () => {
          const p = tmp();
          const b = new Uint8Array(16);
          new DataView(b.buffer).setBigUint64(0, 100n, true);
          fs.writeFileSync(p, b);
          return p;
        },
        /header length 100 runs past the end of the 16-byte file/,
      ],
      [
        'length above the limit',
        () => {
          const p = tmp();
          const b = new Uint8Array(16);
          new DataView(b.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES) + 1n, true);
          fs.writeFileSync(p, b);
          return p;
        },
        /above the 100000000-byte limit/,
      ],
      ['not an object', () => rawFile('[1]'), /does not start with "\{"/],
      ['bad JSON', () => rawFile('{"a":'), /the header is not UTF-8 JSON/],
      [
        'unknown dtype',
        () => rawFile('{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', new Uint8Array(16)),
        /tensor a has unknown dtype "F128"/,
      ],
      [
        'size mismatch',
        () => rawFile(`{${f32('w', [3], 0, 8)}}`, new Uint8Array(8)),
        /tensor w \(F32 \[3\]\) needs 12 bytes but its data_offsets span 8/,
      ],
      [
        'hole',
        () => rawFile(`{${f32('a', [1], 0, 4)},${f32('b', [1], 8, 12)}}`, new Uint8Array(12)),
        /tensor b starts at byte 8 of the data, expected 4 \(a hole\)/,
      ],
      [
        'overlap',
        () => rawFile(`{${f32('a', [2], 0, 8)},${f32('b', [1], 4, 8)}}`, new Uint8Array(8)),
        /tensor b starts at byte 4 of the data, expected 8 \(an overlap\)|tensor a starts at byte 0/,
      ],
      [
        'trailing bytes',
        () => rawFile(`{${f32('a', [1], 0, 4)}}`, new Uint8Array(6)),
        /the tensors cover 4 bytes of data but the file holds 6/,
      ],
      ['metadata not strings', () => rawFile('{"__metadata__":{"n":1}}'), /__metadata__ value of "n" is not a string/],
      [
        'negative shape',
        () => rawFile('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}'),
        /tensor a has shape \[-1\]/,
      ],
    ];
    for (const [what, make, message] of cases) {
      const file = make();
      expect(() => SafetensorsFile.open(file), what).toThrow(message);
      expect(() => SafetensorsFile.open(file), what).toThrow(`${file}: not a valid safetensors file`);
    }
  });

  it('refuses to load a dtype guinav has no tensors for, naming it', () => {
    const f = SafetensorsFile.open(rawFile('{"a":{"dtype":"U16","shape":[1],"data_offsets":[0,2]}}', [0, 0]));
    expect(() => f.meta('a')).toThrow(/tensor a is U16, which guinav does not load/);
    f.close();
  });
});

describe('checkpoint folders', () => {
  const tensors = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      name: `model.layers.${i}.w`,
      dtype: 'f32' as const,
      shape: [4],
      data: new Float32Array([i, i + 1, i + 2, i + 3]),
    }));

  it('writes one model.safetensors when it fits, shards plus a sorted index otherwise', async () => {
    const one = path.join(dir, 'one');
    expect(await writeCheckpointFolder(one, tensors(3))).toEqual(['model.safetensors']);
    const sharded = path.join(dir, 'sharded');
    // 16 bytes per tensor, at most 40 per shard: 2 + 2 + 1.
    const files = await writeCheckpointFolder(sharded, tensors(5), { maxShardBytes: 40 });
    expect(files).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      SAFETENSORS_INDEX,
    ]);
    const index = fs.readFileSync(path.join(sharded, SAFETENSORS_INDEX), 'utf8');
    expect(JSON.parse(index)).toEqual({
      metadata: { total_size: 80 },
      weight_map: {
        'model.layers.0.w': 'model-00001-of-00003.safetensors',
        'model.layers.1.w': 'model-00001-of-00003.safetensors',
        'model.layers.2.w': 'model-00002-of-00003.safetensors',
        'model.layers.3.w': 'model-00002-of-00003.safetensors',
        'model.layers.4.w': 'model-00003-of-00003.safetensors',
      },
    });
    expect(index.startsWith('{\n  "metadata": {\n    "total_size": 80\n  },\n  "weight_map": {')).toBe(true);
    const folder = CheckpointFolder.open(sharded);
    expect(folder.keys().length).toBe(5);
    expect(Array.from(folder.read('model.layers.4.w'))).toEqual([4, 5, 6, 7]);
    folder.close();
  });

  it('names the index and the tensor when shards are missing or do not hold what the index says', async () => {
    const broken = path.join(dir, 'broken');
    await writeCheckpointFolder(broken, tensors(3), { maxShardBytes: 16 });
    const indexPath = path.join(broken, SAFETENSORS_INDEX);
    const index = JSON.parse(fs.readFileSync(indexPath, 'utf8'));
    index.weight_map['model.layers.9.w'] = 'model-00001-of-00003.safetensors';
    fs.writeFileSync(indexPath, JSON.stringify(index));
    expect(() => CheckpointFolder.open(broken)).toThrow(
      `${indexPath}: tensor model.layers.9.w is listed in model-00001-of-00003.safetensors, which does not hold it`,
    );
    fs.rmSync(path.join(broken, 'model-00002-of-00003.safetensors'));
    expect(() => CheckpointFolder.open(broken)).toThrow(
      /tensor model.layers.1.w is in model-00002-of-00003.safetensors, which does not exist/,
    );
    expect(() => CheckpointFolder.open(path.join(dir, 'nowhere'))).toThrow(
      /no model.safetensors or model.safetensors.index.json/,
    );
  });
});
