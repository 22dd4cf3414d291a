/** How a model folder's weights load, given its quantization_config and the caller's `--quantize`. */
import type { TensorSource } from '../nn/state-dict.js';
import { dequantizingInt8Source } from './int8-source.js';
import type { QuantizeNf4Options } from './nf4-linear.js';
import { storedQuantization } from './quantization-config.js';

/** `--quantize nf4` (with its options), or nothing: load in full precision. */
export interface LoadQuantization extends QuantizeNf4Options {
  type: 'nf4';
  skipModules?: readonly string[];
}

export interface LoadPlan {
  /** Load the linear layers as NF4 (pre-quantized ones as stored, the rest quantized with these options). */
  nf4?: QuantizeNf4Options & { skipModules?: readonly string[] };
  /** The checkpoint as the loader reads it (int8 weights dequantized). */
  wrap(source: TensorSource): TensorSource;
}

export function quantizedLoadPlan(
  rawConfig: Record<string, unknown>,
  requested: LoadQuantization | undefined,
  where: string,
): LoadPlan {
  const stored = storedQuantization(rawConfig, where);
  const identity = (s: TensorSource) => s;
  if (stored?.kind === 'nf4') return { nf4: { skipModules: stored.skipModules }, wrap: identity };
  const wrap = stored?.kind === 'int8' ? dequantizingInt8Source : identity;
  if (!requested) return { wrap };
  const { type: _, ...nf4 } = requested;
  return { nf4, wrap };
}
