import { describe, expect, it } from 'vitest';
import type { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { tensor } from '../ops/create.js';
import { getBackend } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import { parseDecoderConfig } from './config.js';
import { DecoderForCausalLM } from './decoder.js';
import { Embedding, LayerNorm, Linear, RMSNorm } from './layers.js';

const tiny = {
  vocab_size: 32,
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
};

describe('parameter names', () => {
  it('are the Hugging Face Llama checkpoint keys, with shapes [out, in]', () => {
    const m = new DecoderForCausalLM(parseDecoderConfig(tiny), { seed: 1 });
    const named = m.namedParameters();
    const layer0 = [
      'model.layers.0.input_layernorm.weight',
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.v_proj.weight',
      'model.layers.0.self_attn.o_proj.weight',
      'model.layers.0.post_attention_layernorm.weight',
      'model.layers.0.mlp.gate_proj.weight',
      'model.layers.0.mlp.up_proj.weight',
      'model.layers.0.mlp.down_proj.weight',
    ];
    expect(named.map(([n]) => n)).toEqual([
      'model.embed_tokens.weight',
      ...layer0,
      ...layer0.map((n) => n.replace('layers.0', 'layers.1')),
      'model.norm.weight',
      'lm_head.weight',
    ]);
    const shapes = Object.fromEntries(named.map(([n, t]) => [n, t.shape]));
    expect(shapes['model.embed_tokens.weight']).toEqual([32, 16]);
    expect(shapes['model.layers.1.self_attn.k_proj.weight']).toEqual([8, 16]);
    expect(shapes['model.layers.1.mlp.down_proj.weight']).toEqual([16, 24]);
    expect(shapes['lm_head.weight']).toEqual([32, 16]);
    expect(m.getParameter('model.norm.weight')!.toArray()).toEqual(new Array(16).fill(1));
    expect(m.getParameter('model.norm.weight')!.name).toBe('model.norm.weight');
    m.dispose();
  });

  it('drops lm_head when tied, adds Qwen2 biases and Gemma q_norm / k_norm', () => {
    const tied = new DecoderForCausalLM(parseDecoderConfig({ ...tiny, tie_word_embeddings: true }));
    expect(tied.namedParameters().some(([n]) => n.startsWith('lm_head'))).toBe(false);
    tied.dispose();
    const qwen = new DecoderForCausalLM(parseDecoderConfig({ ...tiny, model_type: 'qwen2' }));
    const qn = qwen.namedParameters().map(([n]) => n);
    for (const p of ['q', 'k', 'v']) expect(qn).toContain(`model.layers.0.self_attn.${p}_proj.bias`);
    expect(qn).not.toContain('model.layers.0.self_attn.o_proj.bias');
    qwen.dispose();
    const gemma = new DecoderForCausalLM(parseDecoderConfig({ ...tiny, hidden_act: 'gelu_pytorch_tanh' }), {
      variant: { qkNorm: true, normWeightOffset: 1, embedScale: 4 },
    });
    const g = gemma.namedParameters();
    expect(g.map(([n]) => n)).toContain('model.layers.1.self_attn.q_norm.weight');
    expect(gemma.getParameter('model.layers.1.self_attn.k_norm.weight')!.shape).toEqual([4]);
    // (1 + w) norms start at w = 0.
    expect(gemma.getParameter('model.norm.weight')!.toArray()).toEqual(new Array(16).fill(0));
    gemma.dispose();
  });
});

describe('Module', () => {
  it('seeds initialisation: same seed, same weights; N(0, 0.02) for projections', () => {
    const a = new DecoderForCausalLM(parseDecoderConfig(tiny), { seed: 5 });
    const b = new DecoderForCausalLM(parseDecoderConfig(tiny), { seed: 5 });
    const c = new DecoderForCausalLM(parseDecoderConfig(tiny), { seed: 6 });
    const w = (m: DecoderForCausalLM) => m.getParameter('model.layers.1.mlp.up_proj.weight')!.toArray();
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    const v = w(a);
    const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    for (const m of [a, b, c]) m.dispose();
  });

  it('freezes, unfreezes, switches train/eval, counts parameters and frees them on dispose', () => {
    const heap = (getBackend() as CpuBackend).heap;
    const before = heap.stats().liveBytes;
    const m = new DecoderForCausalLM(parseDecoderConfig(tiny));
    const total = m.numParameters();
    expect(total).toBe(32 * 16 * 2 + 16 + 2 * (16 * 2 + 16 * 16 * 2 + 8 * 16 * 2 + 3 * 16 * 24));
    m.freeze();
    expect(m.numParameters(true)).toBe(0);
    m.model.layers.at(0).self_attn.unfreeze();
    expect(m.numParameters(true)).toBe(16 * 16 * 2 + 8 * 16 * 2);
    m.eval();
    expect(m.model.layers.at(1).mlp.training).toBe(false);
    m.train();
    expect(m.model.norm.training).toBe(true);
    m.dispose();
    expect(heap.stats().liveBytes).toBe(before);
  });

  it('layers compute what they say', () => {
    tidy(() => {
      const lin = new Linear(3, 2, { bias: true });
      const x = tensor([1, 2, 3], [1, 3]);
      const w = lin.weight.toArray();
      const y = lin.forward(x).toArray();
      expect(y[0]).toBeCloseTo(w[0]! + 2 * w[1]! + 3 * w[2]!, 5);
      const emb = new Embedding(4, 2);
      expect(emb.forward(tensor(new Int32Array([3]), [1], 'i32')).toArray()).toEqual(emb.weight.toArray().slice(6, 8));
      const rn = new RMSNorm(2, { eps: 0 });
      expect(rn.forward(tensor([3, 4], [1, 2])).toArray()[0]).toBeCloseTo(3 / Math.sqrt(12.5), 6);
      const ln = new LayerNorm(2, 0);
      expect(ln.forward(tensor([1, 3], [1, 2])).toArray()).toEqual([-1, 1]);
      for (const m of [lin, emb, rn, ln]) m.dispose();
    });
  });
});
