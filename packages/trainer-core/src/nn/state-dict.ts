/**
 * Filling a module's parameters and buffers from a checkpoint, one tensor at a time: each tensor
 * is read from its source (a lazily read file, later), converted on the host if its dtype
 * differs, and uploaded straight into the existing (possibly uninitialised) allocation, so a
 * checkpoint is never held twice. Missing, unexpected, wrong-shape and wrong-dtype tensors are
 * errors that name the key and the source.
 */

import type { TensorMeta } from '../kernels/define.js';
import { assign } from '../ops/transfer.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { bf16ArrayToF32, f16ArrayToF32 } from '../tensor/half.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Module } from './module.js';

/** Where a checkpoint's tensors come from (a safetensors file, a folder of shards, a test map). */
export interface TensorSource {
  /** Names the source in errors (a file or folder). */
  readonly name: string;
  keys(): readonly string[];
  meta(key: string): TensorMeta;
  /** The data of one tensor, row-major in its dtype's array; called once per key, right before upload. */
  read(key: string): TypedArray | Promise<TypedArray>;
}

export interface LoadStateOptions {
  /** Missing and unexpected keys are errors (default true, as torch's load_state_dict). */
  strict?: boolean;
  /** Module key for a checkpoint key, or null to skip it (a family's checkpoint-key map). */
  keyMap?: (key: string) => string | null;
  /** Module keys already filled some other way (e.g. quantized layers): neither expected nor loaded. */
  filled?: ReadonlySet<string>;
}

export interface LoadReport {
  loaded: string[];
  /** Module keys the source did not have. */
  missing: string[];
  /** Source keys no module key matched. */
  unexpected: string[];
  /** Source keys the key map skipped. */
  ignored: string[];
}

/** Host conversions that lose nothing: f16/bf16/f64 storage into f32 parameters. */
export function toF32(data: TypedArray, from: DType): Float32Array | undefined {
  if (from === 'f16') return f16ArrayToF32(data as Uint16Array);
  if (from === 'bf16') return bf16ArrayToF32(data as Uint16Array);
  if (from === 'f64') return Float32Array.from(data as Float64Array);
  return undefined;
}

function list(keys: string[]): string {
  const shown = keys.slice(0, 8).join(', ');
  return keys.length > 8 ? `${shown} and ${keys.length - 8} more` : shown;
}

export async function loadStateDict(
  module: Module,
  source: TensorSource,
  options: LoadStateOptions = {},
): Promise<LoadReport> {
  const state = new Map([...module.stateDict()].filter(([k]) => !options.filled?.has(k)));
  const report: LoadReport = { loaded: [], missing: [], unexpected: [], ignored: [] };
  const plan: [string, string][] = [];
  for (const key of source.keys()) {
    const target = options.keyMap ? options.keyMap(key) : key;
    if (target === null) report.ignored.push(key);
    else if (!state.has(target)) report.unexpected.push(key);
    else plan.push([key, target]);
  }
  const covered = new Set(plan.map(([, target]) => target));
  report.missing = [...state.keys()].filter((k) => !covered.has(k));
  if (options.strict ?? true) {
    if (report.missing.length) throw new Error(`${source.name}: missing tensors ${list(report.missing)}`);
    if (report.unexpected.length) throw new Error(`${source.name}: unexpected tensors ${list(report.unexpected)}`);
  }
  // Check every shape and dtype before writing anything, so a bad checkpoint leaves the model as it was.
  for (const [key, target] of plan) {
    const dst = state.get(target)!;
    const meta = source.meta(key);
    if (!shapesEqual(meta.shape, dst.shape)) {
      throw new RangeError(
        `${source.name}: tensor ${key} has shape ${formatShape(meta.shape)}, the model expects ${formatShape(dst.shape)}`,
      );
    }
    const convertible = dst.dtype === 'f32' && (meta.dtype === 'f16' || meta.dtype === 'bf16' || meta.dtype === 'f64');
    if (meta.dtype !== dst.dtype && !convertible) {
      throw new TypeError(`${source.name}: tensor ${key} is ${meta.dtype}, the model expects ${dst.dtype}`);
    }
  }
  for (const [key, target] of plan) {
    const dst = state.get(target)!;
    const meta = source.meta(key);
    const data = await source.read(key);
    assign(dst, meta.dtype === dst.dtype ? data : toF32(data, meta.dtype)!);
    report.loaded.push(key);
  }
  return report;
}

/** A source over tensors already in memory (tests, conversions). */
export function memoryTensorSource(
  name: string,
  tensors: ReadonlyMap<string, { shape: readonly number[]; dtype: DType; data: TypedArray }>,
): TensorSource {
  const get = (key: string) => {
    const t = tensors.get(key);
    if (!t) throw new Error(`${name}: no tensor ${key}`);
    return t;
  };
  return {
    name,
    keys: () => [...tensors.keys()],
    meta: (key) => ({ shape: get(key).shape, dtype: get(key).dtype }),
    read: (key) => get(key).data,
  };
}
