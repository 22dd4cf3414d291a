/**
 * The safetensors header: u64 little-endian length N, N bytes of UTF-8 JSON starting with `{`
 * (writers pad it with spaces to a multiple of 8), then the data buffer. Every tensor's
 * `data_offsets` [begin, end) are relative to the buffer; together they must cover it exactly,
 * without holes, overlaps or trailing bytes, and each must hold shape x dtype-size bytes.
 * Errors name the file and the tensor, as the Rust reference implementation checks them.
 */
import { isSafetensorsDType, SAFETENSORS_DTYPE_BYTES, type SafetensorsDType } from './dtypes.js';

/** The reference implementation refuses larger headers. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Byte range within the data buffer. */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** Bytes before the data buffer: 8 + N. */
  readonly dataStart: number;
  readonly metadata: Readonly<Record<string, string>>;
  /** In file order (by offset). */
  readonly tensors: readonly TensorEntry[];
}

function fail(file: string, what: string): Error {
  return new Error(`${file}: not a valid safetensors file: ${what}`);
}

/** Reads the header length from the first 8 bytes (checked against the file size). */
export function headerLength(prefix: Uint8Array, fileBytes: number, file: string): number {
  if (prefix.length < 8 || fileBytes < 8)
    throw fail(file, `${fileBytes} bytes is shorter than the 8-byte header length`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw fail(file, `header length ${n} is above the ${MAX_HEADER_BYTES}-byte limit`);
  if (8n + n > BigInt(fileBytes))
    throw fail(file, `header length ${n} runs past the end of the ${fileBytes}-byte file`);
  return Number(n);
}

function isDims(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/** Parses and validates the JSON header; `dataBytes` is the size of the buffer after it. */
export function parseHeader(json: Uint8Array, dataBytes: number, file: string): SafetensorsHeader {
  if (json[0] !== 0x7b) throw fail(file, 'the header does not start with "{"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (err) {
    throw fail(file, `the header is not UTF-8 JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw fail(file, 'the header is not a JSON object');
  const metadata: Record<string, string> = {};
  const tensors: TensorEntry[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw fail(file, '__metadata__ is not an object');
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw fail(file, `__metadata__ value of "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    tensors.push(tensorEntry(name, value, file));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of tensors) {
    if (t.begin !== at) {
      throw fail(
        file,
        `tensor ${t.name} starts at byte ${t.begin} of the data, expected ${at} (${t.begin > at ? 'a hole' : 'an overlap'})`,
      );
    }
    at = t.end;
  }
  if (at !== dataBytes) throw fail(file, `the tensors cover ${at} bytes of data but the file holds ${dataBytes}`);
  return { dataStart: 8 + json.length, metadata, tensors };
}

function tensorEntry(name: string, value: unknown, file: string): TensorEntry {
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (v === null || typeof v !== 'object') throw fail(file, `tensor ${name} is not an object`);
  if (typeof v.dtype !== 'string' || !isSafetensorsDType(v.dtype)) {
    throw fail(file, `tensor ${name} has unknown dtype ${JSON.stringify(v.dtype)}`);
  }
  if (!isDims(v.shape))
    throw fail(file, `tensor ${name} has shape ${JSON.stringify(v.shape)}; expected non-negative integers`);
  const offsets = v.data_offsets;
  if (!isDims(offsets) || offsets.length !== 2 || offsets[1]! < offsets[0]!) {
    throw fail(
      file,
      `tensor ${name} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with begin <= end`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const bytes = v.shape.reduce((a, d) => a * d, 1) * SAFETENSORS_DTYPE_BYTES[v.dtype];
  if (end - begin !== bytes) {
    throw fail(
      file,
      `tensor ${name} (${v.dtype} ${JSON.stringify(v.shape)}) needs ${bytes} bytes but its data_offsets span ${end - begin}`,
    );
  }
  return { name, dtype: v.dtype, shape: v.shape, begin, end };
}

/**
 * The header bytes a writer produces: the JSON (metadata first, then tensors in the given order)
 * padded with spaces so the data starts at a multiple of 8, as the reference writers do.
 */
export function encodeHeader(metadata: Readonly<Record<string, string>>, tensors: readonly TensorEntry[]): Uint8Array {
  const obj: Record<string, unknown> = {};
  if (Object.keys(metadata).length) obj.__metadata__ = metadata;
  for (const t of tensors) obj[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [t.begin, t.end] };
  const json = new TextEncoder().encode(JSON.stringify(obj));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}
