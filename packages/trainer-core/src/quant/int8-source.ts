/**
 * Reading LLM.int8() checkpoints (bitsandbytes' Linear8bitLt: `W.weight` i8 [out, in], `W.SCB`
 * f32 [out], `W.weight_format` u8): the weights are dequantized as they are read (CB * SCB / 127,
 * f32), so the model loads as a full-precision one. guinav has no int8 matmul; the int8 format is
 * read and written for exchange.
 */
import type { TensorSource } from '../nn/state-dict.js';
import { formatShape } from '../tensor/shape.js';
import { dequantizeInt8Rows } from './int8.js';

const SCB = '.SCB';
const WEIGHT_FORMAT = '.weight_format';

export function dequantizingInt8Source(source: TensorSource): TensorSource {
  const all = new Set(source.keys());
  const scbOf = (key: string) => (key.endsWith('.weight') ? `${key.slice(0, -'.weight'.length)}${SCB}` : undefined);
  const quantized = (key: string) => {
    const scb = scbOf(key);
    return scb !== undefined && all.has(scb) ? scb : undefined;
  };
  return {
    name: source.name,
    keys: () => source.keys().filter((k) => !k.endsWith(SCB) && !k.endsWith(WEIGHT_FORMAT)),
    meta: (key) => {
      const m = source.meta(key);
      return quantized(key) ? { shape: m.shape, dtype: 'f32' } : m;
    },
    read: async (key) => {
      const scbKey = quantized(key);
      if (!scbKey) return source.read(key);
      const m = source.meta(key);
      const s = source.meta(scbKey);
      if (m.dtype !== 'i8' || m.shape.length !== 2 || s.dtype !== 'f32' || s.shape[0] !== m.shape[0]) {
        throw new Error(
          `${source.name}: tensor ${key} (${m.dtype} ${formatShape(m.shape)}) with ${scbKey} (${s.dtype} ${formatShape(s.shape)}) ` +
            'is not an LLM.int8() weight (expected i8 [out, in] and f32 [out])',
        );
      }
      const codes = (await source.read(key)) as Int8Array;
      return dequantizeInt8Rows(codes, (await source.read(scbKey)) as Float32Array, m.shape[1]!);
    },
  };
}
