/**
 * Reading safetensors files lazily: opening reads and validates only the header; each tensor's
 * bytes are read from disk when asked for, into a fresh array, so loading a multi-GB checkpoint
 * into a model holds at most one tensor on the host at a time. (Data is little-endian, as on
 * every platform Node runs on.)
 */
import fs from 'node:fs';
import type { TensorMeta } from '../../kernels/define.js';
import type { TensorSource } from '../../nn/state-dict.js';
import { type TypedArray, typedArrayFor } from '../../tensor/dtype.js';
import { loadedDType } from './dtypes.js';
import { headerLength, parseHeader, type SafetensorsHeader, type TensorEntry } from './header.js';

/** Largest single fs read (Node refuses reads above 2 GiB). */
const READ_CHUNK = 1 << 30;

function readAt(fd: number, into: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < into.length) {
    const n = fs.readSync(fd, into, done, Math.min(READ_CHUNK, into.length - done), position + done);
    if (n === 0) throw new Error(`${file}: the file ended while reading (truncated?)`);
    done += n;
  }
}

export class SafetensorsFile implements TensorSource {
  private readonly entries: Map<string, TensorEntry>;
  private fd: number | undefined;

  private constructor(
    readonly name: string,
    fd: number,
    private readonly header: SafetensorsHeader,
  ) {
    this.fd = fd;
    this.entries = new Map(header.tensors.map((t) => [t.name, t]));
  }

  /** Opens `file` and validates its header (the data is read later, tensor by tensor). */
  static open(file: string): SafetensorsFile {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const prefix = new Uint8Array(Math.min(8, size));
      readAt(fd, prefix, 0, file);
      const n = headerLength(prefix, size, file);
      const json = new Uint8Array(n);
      readAt(fd, json, 8, file);
      return new SafetensorsFile(file, fd, parseHeader(json, size - 8 - n, file));
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  get metadata(): Readonly<Record<string, string>> {
    return this.header.metadata;
  }

  /** Tensor names in file order. */
  keys(): string[] {
    return this.header.tensors.map((t) => t.name);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  entry(key: string): TensorEntry {
    const e = this.entries.get(key);
    if (!e) throw new Error(`${this.name}: no tensor named ${key}`);
    return e;
  }

  /** Shape and the dtype the tensor loads as; unsupported dtypes are named here. */
  meta(key: string): TensorMeta {
    const e = this.entry(key);
    const dtype = loadedDType(e.dtype);
    if (!dtype) throw new TypeError(`${this.name}: tensor ${key} is ${e.dtype}, which guinav does not load`);
    return { shape: e.shape, dtype };
  }

  /** The tensor's raw little-endian bytes. */
  readBytes(key: string): Uint8Array {
    if (this.fd === undefined) throw new Error(`${this.name}: the file was closed`);
    const e = this.entry(key);
    const bytes = new Uint8Array(e.end - e.begin);
    readAt(this.fd, bytes, this.header.dataStart + e.begin, this.name);
    return bytes;
  }

  /** The tensor's values in the array of the dtype `meta` reports (I64 narrowed to i32, checked). */
  read(key: string): TypedArray {
    const e = this.entry(key);
    const { dtype } = this.meta(key);
    const bytes = this.readBytes(key);
    const count = e.shape.reduce((a, d) => a * d, 1);
    if (e.dtype === 'I64') {
      const wide = new BigInt64Array(bytes.buffer, 0, count);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = wide[i]!;
        if (v < -2147483648n || v > 2147483647n) {
          throw new RangeError(
            `${this.name}: tensor ${key} holds ${v} at index ${i}, outside the i32 range it loads as`,
          );
        }
        out[i] = Number(v);
      }
      return out;
    }
    return typedArrayFor(dtype, bytes.buffer, 0, count);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
