import { describe, expect, it } from 'vitest';
import type { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { createCpuBackend } from '../backend/cpu/create-cpu-backend.js';
import { parseLlamaConfig } from '../models/llama/config.js';
import { LlamaForCausalLM } from '../models/llama/modeling.js';
import { tensor, zeros } from '../ops/create.js';
import { add, scale } from '../ops/elementwise.js';
import { TrainingRng } from '../random/training-rng.js';
import { getBackend } from '../tensor/engine.js';
import { f32ArrayToBf16 } from '../tensor/half.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { values, valuesOf } from '../test-utils/read.js';
import { buildModule, normalInit } from './init.js';
import { Embedding, LayerNorm, Linear, RMSNorm } from './layers.js';
import { Module, ModuleList } from './module.js';
import { loadStateDict, memoryTensorSource } from './state-dict.js';

const heap = () => (getBackend() as CpuBackend).heap;

/** A child that adds a constant to what the wrapped Linear computes (LoRA's shape of change). */
class Shifted extends Module {
  constructor(
    readonly inner: Linear,
    readonly shift: number,
  ) {
    super();
    this.addModule('base_layer', inner);
  }

  forward(x: Tensor): Tensor {
    return tidy(() => add(this.inner.forward(x), this.shift));
  }
}

class Block extends Module {
  readonly proj: Linear;
  readonly table: Tensor;

  constructor() {
    super();
    this.proj = this.addModule('proj', new Linear(2, 2, { init: normalInit(1), rng: new TrainingRng(3) }));
    this.table = this.addBuffer('table', tensor(new Int32Array([7, 8, 9]), [3], 'i32'));
    this.addBuffer('cache', tensor([0.5]), { persistent: false });
  }

  forward(x: Tensor): Tensor {
    return this.proj.forward(x);
  }
}

describe('Module registry', () => {
  it('runs a replaced child: setModule (and assigning the field) changes what forward calls', () => {
    const block = new Block();
    const x = tensor([1, -2], [1, 2]);
    const before = block.forward(x).arraySync();
    const wrapped = new Shifted(block.proj, 100);
    block.setModule('proj', wrapped);
    expect(block.proj).toBe(wrapped);
    const after = block.forward(x).arraySync();
    after.forEach((v, i) => {
      expect(v - before[i]!).toBeCloseTo(100, 4);
    });
    expect(block.namedParameters().map(([n]) => n)).toEqual(['proj.base_layer.weight']);
    // Assigning the field is the same as setModule, as `module.proj = lora` in PyTorch.
    (block as unknown as { proj: Module }).proj = wrapped.inner;
    expect(block.forward(x).arraySync()).toEqual(before);
    expect(() => block.setModule('nope', wrapped)).toThrow(/no child named nope/);
    x.dispose();
    block.dispose();
  });

  it('keeps buffers of any dtype under checkpoint names; only persistent ones are in the state dict', () => {
    const block = new Block();
    expect(block.namedBuffers().map(([n, t]) => [n, t.dtype])).toEqual([
      ['table', 'i32'],
      ['cache', 'f32'],
    ]);
    expect([...block.stateDict().keys()]).toEqual(['proj.weight', 'table']);
    expect(block.table.requiresGrad).toBe(false);
    block.dispose();
  });

  it('ModuleList.items reflects replaced entries', () => {
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    const replacement = new Linear(2, 2);
    list.setModule('1', replacement);
    expect(list.at(1)).toBe(replacement);
    expect(list.items[1]).toBe(replacement);
    expect(() => list.at(2)).toThrow(/outside \[0, 2\)/);
    list.dispose();
  });
});

describe('building and loading without a second copy', () => {
  const tiny = {
    vocab_size: 32,
    hidden_size: 16,
    intermediate_size: 24,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
  };

  it('builds uninitialised parameters on the chosen backend without drawing random numbers', async () => {
    const other = await createCpuBackend({ reference: true });
    const rng = new TrainingRng(1);
    const m = buildModule({ backend: other, initialize: false }, () => new Linear(4, 3, { rng }));
    expect(m.weight.backend).toBe(other);
    expect(rng.nextU32()).toBe(new TrainingRng(1).nextU32());
    m.dispose();
    expect(other.heap.stats().liveBytes).toBe(0);
    other.dispose();
  });

  it('loads a checkpoint tensor by tensor (bf16 converted on the host), then the model computes with it', async () => {
    const config = parseLlamaConfig(tiny);
    const src = new LlamaForCausalLM(config, { seed: 9 });
    const entries = new Map(
      [...src.stateDict()].map(([k, t]) => [k, { shape: t.shape, dtype: t.dtype, data: t.dataSync() }] as const),
    );
    // One tensor stored as bf16: its values round to bf16, as a bf16 checkpoint's would.
    const norm = entries.get('model.norm.weight')!;
    entries.set('model.norm.weight', { ...norm, dtype: 'bf16', data: f32ArrayToBf16(norm.data as Float32Array) });
    const dst = buildModule({ initialize: false }, () => new LlamaForCausalLM(config));
    const report = await loadStateDict(dst, memoryTensorSource('tiny.safetensors', entries));
    expect(report.loaded.length).toBe(entries.size);
    const ids = tensor(new Int32Array([1, 5, 9, 3]), [1, 4], 'i32');
    expect(dst.forward(ids).arraySync()).toEqual(src.forward(ids).arraySync());
    for (const m of [src, dst, ids]) m.dispose();
  });

  it('names the key and the source for missing, unexpected, wrong-shape and wrong-dtype tensors, writing nothing', async () => {
    const config = parseLlamaConfig(tiny);
    const m = new LlamaForCausalLM(config, { seed: 2 });
    const full = new Map(
      [...m.stateDict()].map(([k, t]) => [k, { shape: t.shape, dtype: t.dtype, data: t.dataSync() }]),
    );
    const load = (edit: (e: typeof full) => void) => {
      const e = new Map(full);
      edit(e);
      return loadStateDict(m, memoryTensorSource('ckpt.safetensors', e));
    };
    await expect(load((e) => e.delete('model.norm.weight'))).rejects.toThrow(
      'ckpt.safetensors: missing tensors model.norm.weight',
    );
    await expect(load((e) => e.set('extra.weight', full.get('model.norm.weight')!))).rejects.toThrow(
      'ckpt.safetensors: unexpected tensors extra.weight',
    );
    const before = m.getParameter('lm_head.weight')!.arraySync();
    await expect(
      load((e) => {
        e.set('lm_head.weight', { ...full.get('lm_head.weight')!, data: new Float32Array(32 * 16).fill(7) });
        e.set('model.norm.weight', { shape: [15], dtype: 'f32', data: new Float32Array(15) });
      }),
    ).rejects.toThrow('ckpt.safetensors: tensor model.norm.weight has shape [15], the model expects [16]');
    expect(m.getParameter('lm_head.weight')!.arraySync()).toEqual(before);
    await expect(
      load((e) => e.set('model.norm.weight', { shape: [16], dtype: 'i32', data: new Int32Array(16) })),
    ).rejects.toThrow('ckpt.safetensors: tensor model.norm.weight is i32, the model expects f32');
    const lenient = await loadStateDict(
      m,
      memoryTensorSource('ckpt.safetensors', new Map([['model.norm.weight', full.get('model.norm.weight')!]])),
      { strict: false },
    );
    expect(lenient.missing.length).toBe(full.size - 1);
    m.dispose();
  });

  it('moves a model to another backend with names, trainability and values', async () => {
    const other = await createCpuBackend({ reference: true });
    const m = new Block();
    m.proj.weight.requiresGrad = false;
    const w = m.proj.weight.arraySync();
    await m.to(other);
    expect(m.proj.weight.backend).toBe(other);
    expect(m.table.backend).toBe(other);
    expect(m.proj.weight.requiresGrad).toBe(false);
    expect(m.proj.weight.arraySync()).toEqual(w);
    expect(m.namedParameters()[0]![1].name).toBe('proj.weight');
    m.dispose();
    expect(other.heap.stats().liveBytes).toBe(0);
    other.dispose();
  });
});

describe('Module bookkeeping', () => {
  it('freezes, unfreezes, switches train/eval, counts parameters and frees them on dispose', () => {
    const before = heap().stats().liveBytes;
    const m = new LlamaForCausalLM(
      parseLlamaConfig({
        vocab_size: 32,
        hidden_size: 16,
        intermediate_size: 24,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: 2,
      }),
    );
    expect(m.numParameters()).toBe(32 * 16 * 2 + 16 + 2 * (16 * 2 + 16 * 16 * 2 + 8 * 16 * 2 + 3 * 16 * 24));
    m.freeze();
    expect(m.numParameters(true)).toBe(0);
    m.model.layers.at(0).self_attn.unfreeze();
    expect(m.numParameters(true)).toBe(16 * 16 * 2 + 8 * 16 * 2);
    m.eval();
    expect(m.model.layers.at(1).mlp.training).toBe(false);
    m.train();
    expect(m.model.norm.training).toBe(true);
    m.dispose();
    expect(heap().stats().liveBytes).toBe(before);
  });
});

describeEachBackend('layers', () => {
  it('compute what they say', async () => {
    const lin = new Linear(3, 2, { bias: true, init: normalInit(1), rng: new TrainingRng(4) });
    const emb = new Embedding(4, 2);
    const rn = new RMSNorm(2, { eps: 0 });
    const ln = new LayerNorm(2, 0);
    const [w, y, e, ew, r, l] = await valuesOf(() => [
      lin.weight,
      lin.forward(tensor([1, 2, 3], [1, 3])),
      emb.forward(tensor(new Int32Array([3]), [1], 'i32')),
      emb.weight,
      rn.forward(tensor([3, 4], [1, 2])),
      ln.forward(tensor([1, 3], [1, 2])),
    ]);
    expect(y![0]).toBeCloseTo(w![0]! + 2 * w![1]! + 3 * w![2]!, 5);
    expect(e).toEqual(ew!.slice(6, 8));
    expect(r![0]).toBeCloseTo(3 / Math.sqrt(12.5), 6);
    expect(l).toEqual([-1, 1]);
    expect(await values(() => scale(zeros([2]), 3))).toEqual([0, 0]);
    for (const m of [lin, emb, rn, ln]) m.dispose();
  });
});
