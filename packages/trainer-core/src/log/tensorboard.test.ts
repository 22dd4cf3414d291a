/**
 * The event files read back by a reader written here independently of the writer: a bitwise
 * CRC32C (no table), TFRecord framing and a minimal protobuf decoder for Event / Summary / Value.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';
import { TensorBoardWriter } from './tensorboard.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-tb-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return ~crc >>> 0;
}

const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;

interface Field {
  no: number;
  wire: number;
  value: bigint | Uint8Array;
}

function decode(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let i = 0;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  const take = (n: number) => {
    const out = buf.slice(i, i + n);
    i += n;
    return out;
  };
  while (i < buf.length) {
    const key = Number(varint());
    const [no, wire] = [key >> 3, key & 7];
    if (wire === 0) fields.push({ no, wire, value: varint() });
    else if (wire === 1) fields.push({ no, wire, value: take(8) });
    else if (wire === 5) fields.push({ no, wire, value: take(4) });
    else if (wire === 2) fields.push({ no, wire, value: take(Number(varint())) });
    else throw new Error(`wire type ${wire}`);
  }
  return fields;
}

function readEvents(file: string) {
  const b = new Uint8Array(fs.readFileSync(file));
  const view = new DataView(b.buffer);
  const events = [];
  for (let at = 0; at < b.length; ) {
    const len = Number(view.getBigUint64(at, true));
    expect(view.getUint32(at + 8, true)).toBe(mask(bitwiseCrc32c(b.subarray(at, at + 8))));
    const data = b.subarray(at + 12, at + 12 + len);
    expect(view.getUint32(at + 12 + len, true)).toBe(mask(bitwiseCrc32c(data)));
    at += 16 + len;
    const f = decode(data);
    const get = (no: number) => f.find((x) => x.no === no)?.value;
    const scalars: Record<string, number> = {};
    const summary = get(5) as Uint8Array | undefined;
    for (const v of summary ? decode(summary).filter((x) => x.no === 1) : []) {
      const vf = decode(v.value as Uint8Array);
      const tag = new TextDecoder().decode(vf.find((x) => x.no === 1)!.value as Uint8Array);
      const raw = vf.find((x) => x.no === 2)!.value as Uint8Array;
      scalars[tag] = new DataView(raw.buffer, raw.byteOffset, 4).getFloat32(0, true);
    }
    const wt = get(1) as Uint8Array;
    events.push({
      wallTime: new DataView(wt.buffer, wt.byteOffset, 8).getFloat64(0, true),
      step: Number((get(2) as bigint | undefined) ?? 0n),
      fileVersion: get(3) ? new TextDecoder().decode(get(3) as Uint8Array) : undefined,
      scalars,
    });
  }
  return events;
}

describe('TensorBoard event files', () => {
  it('CRC32C matches the published check value', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32c(check)).toBe(0xe3069283);
    expect(bitwiseCrc32c(check)).toBe(0xe3069283);
  });

  it('are named as PyTorch names them and hold a version record, then the scalars by step', () => {
    const w = new TensorBoardWriter(dir);
    expect(path.basename(w.file)).toMatch(
      new RegExp(
        `^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/\./g, '\\.')}\\.${process.pid}\\.\\d+$`,
      ),
    );
    w.scalars(1, { 'train/loss': 2.5, 'train/learning_rate': 1e-4 }, 1700000000.25);
    w.scalars(300, { 'eval/loss': Number.NaN, 'train/grad_norm': 0.125 }, 1700000001);
    w.close();
    const events = readEvents(w.file);
    expect(events[0]).toMatchObject({ step: 0, fileVersion: 'brain.Event:2', scalars: {} });
    expect(events[1]).toEqual({
      wallTime: 1700000000.25,
      step: 1,
      fileVersion: undefined,
      scalars: { 'train/loss': 2.5, 'train/learning_rate': Math.fround(1e-4) },
    });
    expect(events[2]!.step).toBe(300);
    expect(events[2]!.scalars['train/grad_norm']).toBe(0.125);
    expect(Number.isNaN(events[2]!.scalars['eval/loss'])).toBe(true);
    expect(() => w.scalars(2, { x: 1 })).toThrow(/was closed/);
  });
});
