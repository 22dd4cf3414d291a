/**
 * What one tensor of a (possibly quantized) checkpoint counts for in a model summary: the
 * parameters it stands for and the bytes it takes once loaded. A bitsandbytes NF4 weight counts
 * its quant state's shape in parameters and loads as stored (the packed codes and their absmax,
 * maps and JSON); an int8 weight loads dequantized to f32; everything else loads as f32.
 */
import type { TensorSource } from '../nn/state-dict.js';
import { shapeSize } from '../tensor/shape.js';
import { decodeQuantState, QUANT_STATE_SUFFIX } from './quant-state.js';
import type { StoredQuantization } from './quantization-config.js';

/** The tensors beside a bitsandbytes NF4 `.weight` (the nested ones only with double quantisation). */
export const NF4_PARTS = ['absmax', 'quant_map', 'nested_absmax', 'nested_quant_map', QUANT_STATE_SUFFIX];

export interface TensorCount {
  parameters: number;
  loadedBytes: number;
}

export function countCheckpointTensor(
  source: TensorSource & { byteLength(key: string): number },
  key: string,
  stored: StoredQuantization | undefined,
): TensorCount {
  const { shape } = source.meta(key);
  const size = shapeSize(shape);
  if (stored?.kind === 'nf4') {
    if (NF4_PARTS.some((p) => key.endsWith(`.weight.${p}`)))
      return { parameters: 0, loadedBytes: source.byteLength(key) };
    const state = `${key}.${QUANT_STATE_SUFFIX}`;
    if (key.endsWith('.weight') && source.keys().includes(state)) {
      const q = decodeQuantState(source.read(state) as Uint8Array, `${source.name}: tensor ${state}`);
      return { parameters: shapeSize(q.shape), loadedBytes: source.byteLength(key) };
    }
  }
  if (stored?.kind === 'int8' && (key.endsWith('.SCB') || key.endsWith('.weight_format'))) {
    return { parameters: 0, loadedBytes: 0 };
  }
  return { parameters: size, loadedBytes: size * 4 };
}
