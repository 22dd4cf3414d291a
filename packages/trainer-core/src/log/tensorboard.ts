/**
 * TensorBoard event files, written with our own small codec: TFRecord framing (u64 length, masked
 * CRC32C of the length, the bytes, masked CRC32C of the bytes) around `Event` protos holding
 * scalar summaries, named as PyTorch's SummaryWriter names them so TensorBoard and other readers
 * find them. Tags follow the Hugging Face Trainer: `train/<key>`, `eval/<key>`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { maskedCrc32c } from './crc32c.js';

/** Protobuf wire encoding of the few fields an Event with scalars needs. */
class ProtoWriter {
  private readonly parts: number[] = [];

  private varint(v: number | bigint): void {
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n;
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (n > 0n);
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  double(field: number, v: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.parts.push(...b);
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.parts.push(...b);
    return this;
  }

  int64(field: number, v: number): this {
    this.key(field, 0);
    this.varint(Math.trunc(v));
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.varint(b.length);
    this.parts.push(...b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** One Event proto: wall_time (1), step (2), file_version (3) or summary (5) of scalar values. */
export function encodeEvent(e: {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars?: Record<string, number>;
}): Uint8Array {
  const w = new ProtoWriter().double(1, e.wallTime).int64(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.scalars) {
    const summary = new ProtoWriter();
    for (const [tag, value] of Object.entries(e.scalars)) {
      // Summary.value (1) -> Value { tag (1), simple_value (2) }.
      summary.bytes(1, new ProtoWriter().string(1, tag).float(2, value).finish());
    }
    w.bytes(5, summary.finish());
  }
  return w.finish();
}

/** One TFRecord around `data`. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

let fileCounter = 0;

/** Appends scalar events to `<dir>/events.out.tfevents.<10-digit seconds>.<host>.<pid>.<n>`. */
export class TensorBoardWriter {
  readonly file: string;
  private fd: number | undefined;

  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    const seconds = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
    this.file = path.join(dir, `events.out.tfevents.${seconds}.${os.hostname()}.${process.pid}.${fileCounter++}`);
    this.fd = fs.openSync(this.file, 'a');
    this.write(encodeEvent({ wallTime: Date.now() / 1000, step: 0, fileVersion: 'brain.Event:2' }));
  }

  private write(event: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`${this.file}: the TensorBoard writer was closed`);
    fs.writeSync(this.fd, frameRecord(event));
  }

  /** Writes every (tag, value) pair of `scalars` at `step` as one event; non-finite values included, as TensorBoard shows them. */
  scalars(step: number, scalars: Record<string, number>, wallTime = Date.now() / 1000): void {
    this.write(encodeEvent({ wallTime, step, scalars }));
  }

  flush(): void {
    if (this.fd !== undefined) fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
