import { describe, expect, it, vi } from 'vitest';
import { noGrad } from '../../autograd/grad-mode.js';
import type { CpuBackend } from '../../backend/cpu/cpu-backend.js';
import { tensor } from '../../ops/create.js';
import { crossEntropy, shiftLabels } from '../../ops/loss.js';
import { readScalars } from '../../ops/transfer.js';
import { AdamW } from '../../optim/adamw.js';
import { clipGradNorm } from '../../optim/clip.js';
import { TrainingRng } from '../../random/training-rng.js';
import { getBackend } from '../../tensor/engine.js';
import { tidy } from '../../tensor/scope.js';
import type { Tensor } from '../../tensor/tensor.js';
import { describeEachBackend } from '../../test-utils/backends.js';
import { valuesOf } from '../../test-utils/read.js';
import { parseLlamaConfig } from './config.js';
import { LlamaForCausalLM } from './modeling.js';

const tiny = {
  vocab_size: 32,
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
};

describe('parseLlamaConfig', () => {
  const base = {
    vocab_size: 512,
    hidden_size: 256,
    intermediate_size: 704,
    num_hidden_layers: 4,
    num_attention_heads: 4,
  };

  it('fills the transformers defaults', () => {
    expect(parseLlamaConfig(base)).toMatchObject({
      modelType: 'llama',
      numKvHeads: 4,
      headDim: 64,
      rmsNormEps: 1e-6,
      ropeTheta: 10000,
      tieWordEmbeddings: false,
      hiddenAct: 'silu',
      qkvBias: false,
      outputBias: false,
      mlpBias: false,
      initializerRange: 0.02,
      layerWindows: [0, 0, 0, 0],
    });
  });

  it('reads newer rope_parameters, attention_bias on all four projections, and keeps unknown keys', () => {
    const c = parseLlamaConfig({
      ...base,
      rope_parameters: { rope_theta: 5e5, rope_type: 'default' },
      attention_bias: true,
      torch_dtype: 'bfloat16',
      head_dim: 32,
    });
    expect(c.ropeTheta).toBe(5e5);
    expect(c.ropeScaling).toEqual({ type: 'default' });
    // Llama 3.2's block, as its config.json writes it.
    const llama32 = {
      factor: 32.0,
      high_freq_factor: 4.0,
      low_freq_factor: 1.0,
      original_max_position_embeddings: 8192,
      rope_type: 'llama3',
    };
    expect(parseLlamaConfig({ ...base, rope_theta: 5e5, rope_scaling: llama32 }).ropeScaling).toEqual({
      type: 'llama3',
      factor: 32,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositionEmbeddings: 8192,
    });
    expect([c.qkvBias, c.outputBias]).toEqual([true, true]);
    expect(c.headDim).toBe(32);
    expect(c.raw.torch_dtype).toBe('bfloat16');
  });

  it('names the file and the field in errors, and refuses RoPE scaling it cannot compute', () => {
    expect(() => parseLlamaConfig({ ...base, hidden_size: -1 }, 'models/tiny/config.json')).toThrow(
      /models\/tiny\/config\.json: field "hidden_size"/,
    );
    expect(() => parseLlamaConfig({ ...base, vocab_size: undefined })).toThrow(/config\.json: field "vocab_size"/);
    expect(() => parseLlamaConfig({ ...base, num_key_value_heads: 3 })).toThrow(
      /"num_key_value_heads": 3 does not divide/,
    );
    expect(() => parseLlamaConfig({ ...base, num_attention_heads: 3 })).toThrow(/"head_dim": missing/);
    expect(() => parseLlamaConfig({ ...base, hidden_act: 'gelu' })).toThrow(/"hidden_act"/);
    expect(() => parseLlamaConfig({ ...base, rope_scaling: { rope_type: 'llama3', factor: 8 } })).toThrow(
      /field "rope_scaling.low_freq_factor": expected a positive number/,
    );
    expect(() => parseLlamaConfig({ ...base, rope_scaling: { type: 'dynamic', factor: 2 } })).toThrow(
      /field "rope_scaling.rope_type": "dynamic" RoPE scaling is not supported yet/,
    );
  });
});

describe('LlamaForCausalLM parameters', () => {
  it('are the Hugging Face checkpoint keys, with shapes [out, in]', () => {
    const m = new LlamaForCausalLM(parseLlamaConfig(tiny), { seed: 1 });
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
    const named = m.namedParameters();
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
    expect(m.getParameter('model.norm.weight')!.arraySync()).toEqual(new Array(16).fill(1));
    expect(m.getParameter('model.norm.weight')!.name).toBe('model.norm.weight');
    m.dispose();
  });

  it('drop lm_head when tied and add all four attention biases with attention_bias', () => {
    const tied = new LlamaForCausalLM(parseLlamaConfig({ ...tiny, tie_word_embeddings: true }));
    expect(tied.namedParameters().some(([n]) => n.startsWith('lm_head'))).toBe(false);
    tied.dispose();
    const biased = new LlamaForCausalLM(parseLlamaConfig({ ...tiny, attention_bias: true, mlp_bias: true }));
    const names = biased.namedParameters().map(([n]) => n);
    for (const p of ['q', 'k', 'v', 'o']) expect(names).toContain(`model.layers.0.self_attn.${p}_proj.bias`);
    expect(names).toContain('model.layers.1.mlp.down_proj.bias');
    biased.dispose();
  });

  it('are seeded: same seed, same weights; N(0, 0.02) for projections', () => {
    const make = (seed: number) => new LlamaForCausalLM(parseLlamaConfig(tiny), { seed });
    const [a, b, c] = [make(5), make(5), make(6)];
    const w = (m: LlamaForCausalLM) => m.getParameter('model.layers.1.mlp.up_proj.weight')!.arraySync();
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    const v = w(a);
    const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    for (const m of [a, b, c]) m.dispose();
  });
});

const config = parseLlamaConfig({
  vocab_size: 24,
  hidden_size: 32,
  intermediate_size: 48,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-5,
});

function batch(seed: number, b: number, t: number): { ids: Tensor; labels: Tensor } {
  const rng = new TrainingRng(seed);
  const data = new Int32Array(b * t).map(() => rng.int(config.vocabSize));
  return { ids: tensor(data, [b, t], 'i32'), labels: tensor(shiftLabels(data, b, t), [b, t], 'i32') };
}

describeEachBackend('Llama training', () => {
  it('overfits a fixed batch to near-zero loss, reading metrics only when asked', async () => {
    const model = new LlamaForCausalLM(config, { seed: 3 });
    const opt = new AdamW(model.namedParameters(), { lr: 1e-2, weightDecay: 0 });
    const { ids, labels } = batch(1, 2, 12);
    const backend = getBackend();
    const reads = [vi.spyOn(backend, 'download'), ...(backend.downloadSync ? [vi.spyOn(backend, 'downloadSync')] : [])];
    const step = () => {
      const metrics = tidy(() => {
        const { loss, accuracy } = crossEntropy(model.forward(ids), labels);
        loss.backward();
        return { loss: loss.detach(), accuracy: accuracy.detach(), gradNorm: clipGradNorm(model.parameters(), 10) };
      });
      opt.step();
      opt.zeroGrad();
      return metrics;
    };
    const read = async (m: Record<string, Tensor>) => {
      const r = await readScalars(m);
      for (const t of Object.values(m)) t.dispose();
      return r;
    };
    const first = await read(step());
    expect(first.loss).toBeGreaterThan(Math.log(config.vocabSize) - 0.5);
    expect(first.gradNorm).toBeGreaterThan(0);
    const callsBefore = reads.map((s) => s.mock.calls.length);
    let last: Record<string, Tensor> = step();
    for (let i = 0; i < 119; i++) {
      for (const t of Object.values(last)) t.dispose();
      last = step();
    }
    // 120 training steps (forward, loss, backward, clipping, AdamW) read nothing back.
    expect(reads.map((s) => s.mock.calls.length)).toEqual(callsBefore);
    const final = await read(last);
    expect(reads[0]!.mock.calls.length).toBe(callsBefore[0]! + 1);
    expect(final.loss).toBeLessThan(0.05);
    expect(final.accuracy).toBe(1);
    for (const s of reads) s.mockRestore();
    for (const t of [ids, labels]) t.dispose();
    opt.dispose();
    model.dispose();
  });

  it('respects the key padding mask: padded positions do not change the other logits', async () => {
    const model = new LlamaForCausalLM(config, { seed: 5 });
    const mask = () => tensor(new Int32Array([0, 0, 1, 1, 1]), [1, 5], 'i32');
    const pos = () => tensor(new Int32Array([0, 0, 0, 1, 2]), [1, 5], 'i32');
    const [a, b, plain] = await valuesOf(() => [
      model.forward(tensor(new Int32Array([0, 0, 5, 6, 7]), [1, 5], 'i32'), {
        attentionMask: mask(),
        positions: pos(),
      }),
      model.forward(tensor(new Int32Array([9, 3, 5, 6, 7]), [1, 5], 'i32'), {
        attentionMask: mask(),
        positions: pos(),
      }),
      model.forward(tensor(new Int32Array([5, 6, 7]), [1, 3], 'i32')),
    ]);
    expect(a!.slice(2 * 24)).toEqual(b!.slice(2 * 24));
    a!.slice(2 * 24).forEach((v, i) => {
      expect(v).toBeCloseTo(plain![i]!, 5);
    });
    model.dispose();
  });
});

describe('Llama training memory (CPU heap)', () => {
  it('does not leak heap memory over training steps (with clipping and gradient accumulation)', () => {
    const heap = (getBackend() as CpuBackend).heap;
    const model = new LlamaForCausalLM(config, { seed: 4 });
    const opt = new AdamW(model.namedParameters(), { lr: 1e-3 });
    const micro = [batch(2, 2, 8), batch(3, 2, 8)];
    const step = () => {
      for (const { ids, labels } of micro) tidy(() => crossEntropy(model.forward(ids), labels).loss.backward());
      clipGradNorm(model.parameters(), 1.0).dispose();
      opt.step();
      opt.zeroGrad();
      noGrad(() => model.forward(micro[0]!.ids)).dispose();
    };
    step();
    step();
    const after2 = heap.stats();
    for (let i = 0; i < 6; i++) step();
    const after8 = heap.stats();
    expect(after8.liveBytes).toBe(after2.liveBytes);
    expect(after8.liveBlocks).toBe(after2.liveBlocks);
    expect(after8.highWaterBytes).toBe(after2.highWaterBytes);
    for (const { ids, labels } of micro) {
      ids.dispose();
      labels.dispose();
    }
    opt.dispose();
    model.dispose();
  });
});
