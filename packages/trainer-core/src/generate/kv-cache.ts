/**
 * The KV cache of generation: per attention module, the keys (after RoPE) and values of every
 * position processed so far, [B, T, Hkv, D]. Each step appends the new positions (a concat, so
 * the attended keys stay contiguous); the cache owns its tensors until `dispose`.
 */
import type { KeyValueCache } from '../nn/attention.js';
import { concat } from '../ops/shape-ops.js';
import { keep } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export class KvCache implements KeyValueCache {
  private readonly entries = new Map<object, { k: Tensor; v: Tensor }>();

  update(owner: object, k: Tensor, v: Tensor): [Tensor, Tensor] {
    const previous = this.entries.get(owner);
    const keys = keep(previous ? concat([previous.k, k], 1) : k);
    const values = keep(previous ? concat([previous.v, v], 1) : v);
    if (previous) {
      previous.k.dispose();
      previous.v.dispose();
    }
    this.entries.set(owner, { k: keys, v: values });
    return [keys, values];
  }

  /** Positions cached (0 before the first step). */
  get length(): number {
    const first = this.entries.values().next().value;
    return first ? first.k.shape[1]! : 0;
  }

  /** Bytes held by all layers' keys and values. */
  get bytes(): number {
    let n = 0;
    for (const { k, v } of this.entries.values()) n += (k.size + v.size) * 4;
    return n;
  }

  dispose(): void {
    for (const { k, v } of this.entries.values()) {
      k.dispose();
      v.dispose();
    }
    this.entries.clear();
  }
}
