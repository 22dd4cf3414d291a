/**
 * Adding LoRA adapters to a model as PEFT does: every Linear (plain or NF4-quantized) whose module
 * path ends with one of `targetModules` (PEFT's rule: the name equals the key or ends with
 * "." + key), or with 'all-linear' every Linear except the output head, is replaced by a
 * LoraLinear; every other parameter is frozen, so only the adapters train.
 */
import type { Module } from '../nn/module.js';
import { TrainingRng } from '../random/training-rng.js';
import { isLoraBaseLayer, LoraLinear, type LoraSettings } from './lora-linear.js';

export interface LoraOptions extends LoraSettings {
  /** Module names (`q_proj`, `v_proj`) or 'all-linear'. */
  targetModules: readonly string[] | 'all-linear';
  /** Seed of the A matrices' initialisation (drawn in module order). */
  seed?: number;
}

/** Output heads that 'all-linear' leaves alone, as PEFT does. */
const OUTPUT_HEADS = new Set(['lm_head']);

export function matchesTarget(path: string, targets: readonly string[] | 'all-linear'): boolean {
  const name = path.split('.').at(-1)!;
  if (targets === 'all-linear') return !OUTPUT_HEADS.has(name);
  return targets.some((t) => path === t || path.endsWith(`.${t}`));
}

/** Wraps the targeted Linears in place; returns the adapted module paths. Throws if nothing matched. */
export function applyLora(model: Module, options: LoraOptions): string[] {
  const rng = new TrainingRng(options.seed ?? 0);
  model.freeze();
  const adapted: string[] = [];
  for (const [path, parent] of model.namedModules()) {
    for (const [name, child] of parent.namedChildren()) {
      const full = path ? `${path}.${name}` : name;
      if (!isLoraBaseLayer(child) || !matchesTarget(full, options.targetModules)) continue;
      parent.setModule(name, new LoraLinear(child, options, rng));
      adapted.push(full);
    }
  }
  if (adapted.length === 0) {
    const wanted = options.targetModules === 'all-linear' ? 'all-linear' : options.targetModules.join(', ');
    throw new Error(`LoRA: no Linear layer matches target modules ${wanted}`);
  }
  return adapted;
}

/** The adapted layers of a model, by module path. */
export function loraLayers(model: Module): [string, LoraLinear][] {
  return model.namedModules().filter((e): e is [string, LoraLinear] => e[1] instanceof LoraLinear);
}

/** Turns every adapter on or off (off: the model computes as its base, e.g. DPO's reference). */
export function setLoraEnabled(model: Module, enabled: boolean): void {
  for (const [, layer] of loraLayers(model)) layer.enabled = enabled;
}

/** Runs `fn` with the adapters off, restoring them afterwards. */
export function withLoraDisabled<T>(model: Module, fn: () => T): T {
  const layers = loraLayers(model);
  const before = layers.map(([, l]) => l.enabled);
  for (const [, l] of layers) l.enabled = false;
  try {
    return fn();
  } finally {
    layers.forEach(([, l], i) => {
      l.enabled = before[i]!;
    });
  }
}

/** Folds every adapter into its base weight (W += B A scaling) and puts the plain Linear back. */
export function mergeLora(model: Module): void {
  for (const [path, layer] of loraLayers(model)) {
    const dot = path.lastIndexOf('.');
    const parent = dot < 0 ? model : model.getModule(path.slice(0, dot))!;
    parent.setModule(path.slice(dot + 1), layer.merge());
  }
}
