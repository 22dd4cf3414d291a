/**
 * Loading a model with NF4 linear layers, without ever holding its full-precision weights: the
 * model is built on the meta backend (shapes, no memory); each Linear that bitsandbytes would
 * quantize becomes an Nf4Linear, either read as-is from a pre-quantized checkpoint (the
 * `…weight.quant_state.bitsandbytes__nf4` keys) or quantized from the checkpoint's weight, one
 * tensor at a time; everything else (embeddings, norms, the head) gets memory on the real backend
 * and loads in its usual way.
 */
import type { Backend } from '../backend/backend.js';
import { META_BACKEND } from '../backend/meta.js';
import type { Module } from '../nn/module.js';
import { loadStateDict, type TensorSource, toF32 } from '../nn/state-dict.js';
import type { TypedArray } from '../tensor/dtype.js';
import { formatShape, shapeSize } from '../tensor/shape.js';
import { NF4_PARTS } from './folder-sizes.js';
import { type Nf4Data, Nf4Linear, type QuantizeNf4Options, quantizeWeightNf4 } from './nf4-linear.js';
import { decodeQuantState, QUANT_STATE_SUFFIX, TORCH_DTYPES, type TorchDType } from './quant-state.js';
import { DEFAULT_SKIP_MODULES, quantizableLinears } from './quantize-model.js';

export interface LoadQuantizedOptions {
  backend: Backend;
  /** Quantize full-precision Linear weights as they load (pre-quantized layers load as they are). */
  quantize?: QuantizeNf4Options & { skipModules?: readonly string[] };
  /** Module key for a checkpoint key, or null to skip it (the family's checkpoint-key map). */
  keyMap: (key: string) => string | null;
  /** Called with each checkpoint key as it is read. */
  onTensor?: (key: string) => void;
}

/** Checkpoint keys of bitsandbytes' quantized weights, by module path: `<path>.weight.quant_state...` present. */
function prequantizedPrefixes(source: TensorSource, keyMap: (key: string) => string | null): Map<string, string> {
  const suffix = `.weight.${QUANT_STATE_SUFFIX}`;
  const out = new Map<string, string>();
  for (const key of source.keys()) {
    if (!key.endsWith(suffix)) continue;
    const prefix = key.slice(0, -suffix.length);
    const weightKey = keyMap(`${prefix}.weight`);
    if (weightKey) out.set(weightKey.slice(0, -'.weight'.length), prefix);
  }
  return out;
}

const bytesOf = (a: TypedArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Reads the bitsandbytes tensors of one quantized weight, checking each against its quant state. */
export async function readNf4Weight(source: TensorSource, prefix: string): Promise<Nf4Data> {
  const key = (part: string) => `${prefix}.weight${part ? `.${part}` : ''}`;
  const where = (part: string) => `${source.name}: tensor ${key(part)}`;
  const has = new Set(source.keys());
  const read = async (part: string) => {
    if (!has.has(key(part))) throw new Error(`${source.name}: missing tensor ${key(part)} of a quantized weight`);
    return source.read(key(part));
  };
  const state = decodeQuantState(bytesOf(await read(QUANT_STATE_SUFFIX)), where(QUANT_STATE_SUFFIX));
  if (state.shape.length !== 2)
    throw new Error(`${where(QUANT_STATE_SUFFIX)}: expected a 2-D weight, got ${formatShape(state.shape)}`);
  const n = shapeSize(state.shape);
  const blocks = Math.ceil(n / state.blocksize);
  const expect = (part: string, dtype: string, size: number) => {
    const m = source.meta(key(part));
    if (m.dtype !== dtype || shapeSize(m.shape) !== size) {
      throw new Error(
        `${where(part)}: expected ${dtype} with ${size} elements, got ${m.dtype} ${formatShape(m.shape)}`,
      );
    }
  };
  // The packed codes may be stored in another dtype (bnb_4bit_quant_storage); they are bytes either way.
  const packedMeta = source.meta(key(''));
  const packed = bytesOf(await read('')).slice();
  if (packed.length !== Math.ceil(n / 2)) {
    throw new Error(
      `${where('')}: ${packedMeta.dtype} ${formatShape(packedMeta.shape)} holds ${packed.length} bytes, ` +
        `the quant state's shape ${formatShape(state.shape)} needs ${Math.ceil(n / 2)}`,
    );
  }
  expect('quant_map', 'f32', 16);
  const code = (await read('quant_map')) as Float32Array;
  if (!state.nested) {
    expect('absmax', 'f32', blocks);
    return { state, packed, code, absmax: (await read('absmax')) as Float32Array };
  }
  expect('absmax', 'u8', blocks);
  expect('nested_absmax', 'f32', Math.ceil(blocks / state.nested.blocksize));
  expect('nested_quant_map', 'f32', 256);
  return {
    state,
    packed,
    code,
    absmax: (await read('absmax')) as Uint8Array,
    nestedAbsmax: (await read('nested_absmax')) as Float32Array,
    nestedCode: (await read('nested_quant_map')) as Float32Array,
  };
}

/** The dtype a checkpoint stores a weight in, as a quant state records it. */
export function torchDTypeOf(dtype: string, where: string): TorchDType {
  const name = (Object.entries(TORCH_DTYPES) as [TorchDType, string][]).find(([, d]) => d === dtype)?.[0];
  if (!name) throw new Error(`${where}: a ${dtype} weight cannot be quantized (expected f32, bf16 or f16)`);
  return name;
}

/**
 * Fills `model` (built on META_BACKEND) from `source`: quantized layers as Nf4Linear on
 * `options.backend`, the rest allocated there and loaded. Returns the quantized module paths.
 */
export async function loadQuantized(
  model: Module,
  source: TensorSource,
  options: LoadQuantizedOptions,
): Promise<string[]> {
  const { backend, keyMap } = options;
  const prequantized = prequantizedPrefixes(source, keyMap);
  const skip = options.quantize?.skipModules ?? DEFAULT_SKIP_MODULES;
  const handled = new Set<string>();
  const replaced: string[] = [];
  // Checkpoint key of each module key (the inverse of keyMap over what the source holds).
  const sourceKey = new Map<string, string>();
  const present = new Set(source.keys());
  for (const k of present) {
    const m = keyMap(k);
    if (m) sourceKey.set(m, k);
  }
  for (const { path, parent, name, linear } of quantizableLinears(model, prequantized.size ? [] : skip)) {
    const prefix = prequantized.get(path);
    let data: Nf4Data;
    if (prefix) {
      data = await readNf4Weight(source, prefix);
      for (const part of ['', ...NF4_PARTS]) {
        const k = `${prefix}.weight${part ? `.${part}` : ''}`;
        // Without double quantisation there are no nested_* tensors: progress counts what exists.
        if (!present.has(k)) continue;
        handled.add(k);
        options.onTensor?.(k);
      }
      const want = [linear.outFeatures, linear.inFeatures];
      if (data.state.shape[0] !== want[0] || data.state.shape[1] !== want[1]) {
        throw new Error(
          `${source.name}: quantized weight ${prefix}.weight has shape ${formatShape(data.state.shape)}, the model expects ${formatShape(want)}`,
        );
      }
    } else if (options.quantize && !prequantized.size) {
      const k = sourceKey.get(`${path}.weight`);
      if (!k) throw new Error(`${source.name}: missing tensor ${path}.weight`);
      const meta = source.meta(k);
      if (shapeSize(meta.shape) !== linear.outFeatures * linear.inFeatures || meta.shape.length !== 2) {
        throw new Error(
          `${source.name}: tensor ${k} has shape ${formatShape(meta.shape)}, the model expects ${formatShape([linear.outFeatures, linear.inFeatures])}`,
        );
      }
      const raw = await source.read(k);
      const values = meta.dtype === 'f32' ? (raw as Float32Array) : toF32(raw, meta.dtype);
      if (!values) throw new Error(`${source.name}: tensor ${k} is ${meta.dtype}; expected f32, bf16 or f16`);
      data = quantizeWeightNf4(values, [linear.outFeatures, linear.inFeatures], {
        ...options.quantize,
        dtype: torchDTypeOf(meta.dtype, `${source.name}: tensor ${k}`),
      });
      handled.add(k);
      options.onTensor?.(k);
    } else continue;
    const biasKey = linear.bias ? sourceKey.get(`${path}.bias`) : undefined;
    let bias: Float32Array | undefined;
    if (linear.bias) {
      if (!biasKey) throw new Error(`${source.name}: missing tensor ${path}.bias`);
      const m = source.meta(biasKey);
      const raw = await source.read(biasKey);
      bias = m.dtype === 'f32' ? (raw as Float32Array) : toF32(raw, m.dtype);
      handled.add(biasKey);
      options.onTensor?.(biasKey);
    }
    parent.setModule(name, new Nf4Linear(data, { backend, bias }));
    linear.dispose();
    replaced.push(path);
  }
  model.allocateOn(backend, META_BACKEND);
  const rest: TensorSource = {
    name: source.name,
    keys: () => source.keys().filter((k) => !handled.has(k)),
    meta: (k) => source.meta(k),
    read: (k) => {
      options.onTensor?.(k);
      return source.read(k);
    },
  };
  // The Nf4Linear layers are filled already; every other tensor of the state dict comes from the rest.
  const filled = new Set(replaced.flatMap((p) => [...model.getModule(p)!.stateDict().keys()].map((k) => `${p}.${k}`)));
  await loadStateDict(model, rest, { keyMap, filled });
  return replaced;
}
