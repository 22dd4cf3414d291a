/**
 * Writing safetensors files as transformers does: `{"__metadata__": {"format": "pt"}}` plus the
 * tensors, header padded with spaces to a multiple of 8 bytes, data packed without gaps. The
 * file appears atomically: it is written to a temporary file next to the target, flushed to disk
 * and renamed, so a crash or a full disk leaves the old file (or none), never half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { SAFETENSORS_DTYPE_BYTES, type SafetensorsDType, safetensorsDType } from './dtypes.js';
import { encodeHeader, type TensorEntry } from './header.js';

export interface TensorToWrite {
  readonly name: string;
  readonly dtype: DType | SafetensorsDType;
  readonly shape: readonly number[];
  /** The values (or a function producing them when their turn comes, e.g. a device read). */
  readonly data: TypedArray | Uint8Array | (() => TypedArray | Uint8Array | Promise<TypedArray | Uint8Array>);
}

export interface WriteSafetensorsOptions {
  /** Default `{ format: 'pt' }`, what transformers and PEFT write. */
  metadata?: Record<string, string>;
}

function fileDType(d: DType | SafetensorsDType): SafetensorsDType {
  return d in SAFETENSORS_DTYPE_BYTES ? (d as SafetensorsDType) : safetensorsDType(d as DType);
}

/** Byte size of each tensor and the header, before any data is produced. */
export function layoutSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string>) {
  const seen = new Set<string>();
  let at = 0;
  const entries: TensorEntry[] = tensors.map((t) => {
    if (seen.has(t.name)) throw new Error(`writeSafetensors: tensor ${t.name} appears twice`);
    seen.add(t.name);
    const dtype = fileDType(t.dtype);
    const bytes = t.shape.reduce((a, d) => a * d, 1) * SAFETENSORS_DTYPE_BYTES[dtype];
    const e = { name: t.name, dtype, shape: [...t.shape], begin: at, end: at + bytes };
    at += bytes;
    return e;
  });
  return { header: encodeHeader(metadata, entries), entries, dataBytes: at };
}

function bytesOf(data: TypedArray | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Writes `file` atomically; returns its size in bytes. */
export async function writeSafetensors(
  file: string,
  tensors: readonly TensorToWrite[],
  options: WriteSafetensorsOptions = {},
): Promise<number> {
  const { header, entries, dataBytes } = layoutSafetensors(tensors, options.metadata ?? { format: 'pt' });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${Date.now()}`);
  const fd = fs.openSync(tmp, 'wx');
  try {
    fs.writeSync(fd, header);
    for (const [i, t] of tensors.entries()) {
      const data = bytesOf(typeof t.data === 'function' ? await t.data() : t.data);
      const want = entries[i]!.end - entries[i]!.begin;
      if (data.length !== want) {
        throw new RangeError(
          `writeSafetensors: tensor ${t.name} has ${data.length} bytes of data, its shape and dtype need ${want}`,
        );
      }
      let done = 0;
      while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.closeSync(fd);
    } catch {}
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return header.length + dataBytes;
}
