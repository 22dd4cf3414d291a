/**
 * A TensorBoard event-file reader written independently of guinav's writer (a bitwise CRC32C with
 * no table, TFRecord framing, a minimal protobuf decoder for Event / Summary / Value), so tests
 * read logs back the way TensorBoard would and catch a writer bug instead of mirroring it.
 */
import fs from 'node:fs';

export function bitwiseCrc32c(bytes: Uint8Array): number {
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

export interface TensorBoardEvent {
  wallTime: number;
  step: number;
  fileVersion: string | undefined;
  scalars: Record<string, number>;
}

/** Every event of `file`, each record's length and data checksums verified. */
export function readTensorBoardEvents(file: string): TensorBoardEvent[] {
  const b = new Uint8Array(fs.readFileSync(file));
  const view = new DataView(b.buffer);
  const events: TensorBoardEvent[] = [];
  for (let at = 0; at < b.length; ) {
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== mask(bitwiseCrc32c(b.subarray(at, at + 8))))
      throw new Error(`${file}: bad length checksum at byte ${at}`);
    const data = b.subarray(at + 12, at + 12 + len);
    if (view.getUint32(at + 12 + len, true) !== mask(bitwiseCrc32c(data)))
      throw new Error(`${file}: bad data checksum at byte ${at}`);
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
