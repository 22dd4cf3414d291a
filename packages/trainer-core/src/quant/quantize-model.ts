/**
 * Which layers bitsandbytes quantizes, and quantizing a built model in place. transformers
 * replaces every nn.Linear by a Linear4bit except the output head (get_keys_to_not_convert) and
 * any module listed in llm_int8_skip_modules; embeddings and norms are not Linear layers and keep
 * their dtype.
 */
import { Linear } from '../nn/layers.js';
import type { Module } from '../nn/module.js';
import { Nf4Linear, type QuantizeNf4Options, quantizeWeightNf4 } from './nf4-linear.js';

/** Modules transformers leaves unquantized by default: the output head. */
export const DEFAULT_SKIP_MODULES = ['lm_head'] as const;

/**
 * transformers' rule (replace_with_bnb_linear): a Linear stays unquantized when its own name is
 * listed, or a listed key equals its path or appears in it followed by a dot (`mlp` skips
 * `model.layers.0.mlp.up_proj`).
 */
export function isSkipped(path: string, skip: readonly string[]): boolean {
  const name = path.split('.').at(-1)!;
  return skip.some((s) => s === name || s === path || path.includes(`${s}.`));
}

export interface QuantizableLinear {
  path: string;
  parent: Module;
  name: string;
  linear: Linear;
}

/** The Linear layers quantization replaces, in module order. */
export function quantizableLinears(model: Module, skip: readonly string[] = DEFAULT_SKIP_MODULES): QuantizableLinear[] {
  const out: QuantizableLinear[] = [];
  for (const [path, parent] of model.namedModules()) {
    for (const [name, child] of parent.namedChildren()) {
      const full = path ? `${path}.${name}` : name;
      if (child instanceof Linear && !isSkipped(full, skip)) out.push({ path: full, parent, name, linear: child });
    }
  }
  return out;
}

export interface QuantizeModelOptions extends QuantizeNf4Options {
  /** Module names or paths to keep in full precision (default: the output head). */
  skipModules?: readonly string[];
}

/**
 * Replaces the model's Linear layers by Nf4Linear, one at a time (the f32 weight of each is freed
 * as soon as its quantized copy exists); returns the replaced paths.
 */
export async function quantizeModelNf4(model: Module, options: QuantizeModelOptions = {}): Promise<string[]> {
  const targets = quantizableLinears(model, options.skipModules ?? DEFAULT_SKIP_MODULES);
  for (const { parent, name, linear } of targets) {
    const values = (await linear.weight.data()) as Float32Array;
    const data = quantizeWeightNf4(values, [linear.outFeatures, linear.inFeatures], options);
    const bias = linear.bias ? ((await linear.bias.data()) as Float32Array) : undefined;
    parent.setModule(name, new Nf4Linear(data, { backend: linear.weight.backend, bias }));
    linear.dispose();
  }
  return targets.map((t) => t.path);
}
