/**
 * Gemma 3 against an independent implementation written here in plain numbers from transformers'
 * modeling_gemma3 (no guinav kernel involved): embedding scale, (1 + w) norms, the four norms of a
 * layer, q/k norms, query_pre_attn_scalar, sliding-window and full layers with their own RoPE
 * bases, GeGLU and the tied head.
 */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../ops/create.js';
import { TrainingRng } from '../../random/training-rng.js';
import { describeEachBackend } from '../../test-utils/backends.js';
import { expectClose } from '../../test-utils/gradcheck.js';
import { values } from '../../test-utils/read.js';
import { createCausalLM } from '../families.js';
import { type Gemma3TextConfig, parseGemma3TextConfig } from './config.js';
import { Gemma3ForCausalLM } from './modeling.js';

const tiny = {
  model_type: 'gemma3_text',
  vocab_size: 40,
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 8,
  query_pre_attn_scalar: 6,
  sliding_window: 3,
  layer_types: ['sliding_attention', 'full_attention'],
  rope_theta: 1e6,
  rope_local_base_freq: 1e4,
  rms_norm_eps: 1e-6,
};

describe('parseGemma3TextConfig', () => {
  it('derives the layer pattern from sliding_window_pattern in older files: every 6th layer is full', () => {
    const c = parseGemma3TextConfig({ ...tiny, layer_types: undefined, num_hidden_layers: 7 });
    expect(c.layers.map((l) => l.window)).toEqual([3, 3, 3, 3, 3, 0, 3]);
    expect(c.layers.map((l) => l.ropeTheta)).toEqual([1e4, 1e4, 1e4, 1e4, 1e4, 1e6, 1e4]);
    expect(c).toMatchObject({ tieWordEmbeddings: true, hiddenAct: 'gelu_pytorch_tanh', attentionScale: 6 ** -0.5 });
  });

  it('reads the newer rope_parameters per layer type, and refuses what it cannot compute', () => {
    const c = parseGemma3TextConfig({
      ...tiny,
      rope_parameters: {
        full_attention: { rope_type: 'default', rope_theta: 5e5 },
        sliding_attention: { rope_type: 'default', rope_theta: 2e4 },
      },
    });
    const none = { type: 'default' };
    expect(c.layers).toEqual([
      { window: 3, ropeTheta: 2e4, ropeScaling: none },
      { window: 0, ropeTheta: 5e5, ropeScaling: none },
    ]);
    // Gemma 3 4B's older keys: rope_scaling applies to the full-attention layers only.
    const scaled = parseGemma3TextConfig({ ...tiny, rope_scaling: { rope_type: 'linear', factor: 8 } });
    expect(scaled.layers.map((l) => l.ropeScaling)).toEqual([none, { type: 'linear', factor: 8 }]);
    expect(() => parseGemma3TextConfig({ ...tiny, rope_scaling: { rope_type: 'yarn', factor: 8 } })).toThrow(
      /"rope_scaling.rope_type": "yarn" RoPE scaling is not supported yet/,
    );
    expect(() => parseGemma3TextConfig({ ...tiny, rope_scaling: { rope_type: 'linear' } })).toThrow(
      /"rope_scaling.factor": expected a positive number, got null/,
    );
    expect(() => parseGemma3TextConfig({ ...tiny, final_logit_softcapping: 30 })).toThrow(
      /"final_logit_softcapping": 30 is not supported yet/,
    );
  });

  it('names four norms per layer and the q/k norms, with the head tied', () => {
    const m = new Gemma3ForCausalLM(parseGemma3TextConfig(tiny));
    const names = m.namedParameters().map(([n]) => n);
    expect(names.filter((n) => n.startsWith('model.layers.0.'))).toEqual([
      'model.layers.0.input_layernorm.weight',
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.v_proj.weight',
      'model.layers.0.self_attn.o_proj.weight',
      'model.layers.0.self_attn.q_norm.weight',
      'model.layers.0.self_attn.k_norm.weight',
      'model.layers.0.post_attention_layernorm.weight',
      'model.layers.0.pre_feedforward_layernorm.weight',
      'model.layers.0.post_feedforward_layernorm.weight',
      'model.layers.0.mlp.gate_proj.weight',
      'model.layers.0.mlp.up_proj.weight',
      'model.layers.0.mlp.down_proj.weight',
    ]);
    expect(names).not.toContain('lm_head.weight');
    // (1 + w) norms start at w = 0.
    expect(m.getParameter('model.norm.weight')!.arraySync()).toEqual(new Array(16).fill(0));
    m.dispose();
  });
});

// ---- the independent reference, in plain numbers ----

type Weights = Map<string, number[]>;
type Mat = number[][];

const matvec = (w: number[], rows: number, cols: number, x: number[]) =>
  Array.from({ length: rows }, (_, r) => x.reduce((s, v, c) => s + v * w[r * cols + c]!, 0));

function gemmaNorm(x: number[], w: number[], eps: number): number[] {
  const ms = x.reduce((s, v) => s + v * v, 0) / x.length;
  const inv = 1 / Math.sqrt(ms + eps);
  return x.map((v, i) => v * inv * (1 + w[i]!));
}

function rotate(x: number[], pos: number, theta: number): number[] {
  const half = x.length / 2;
  const out = [...x];
  for (let i = 0; i < half; i++) {
    const angle = pos * theta ** (-(2 * i) / x.length);
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    out[i] = x[i]! * c - x[i + half]! * s;
    out[i + half] = x[i + half]! * c + x[i]! * s;
  }
  return out;
}

const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

function referenceLogits(c: Gemma3TextConfig, w: Weights, ids: number[]): Mat {
  const { hiddenSize: h, numHeads: H, numKvHeads: Hkv, headDim: D, rmsNormEps: eps, intermediateSize: I } = c;
  const get = (k: string) => w.get(k)!;
  const emb = get('model.embed_tokens.weight');
  let xs = ids.map((id) => emb.slice(id * h, (id + 1) * h).map((v) => v * Math.sqrt(h)));
  c.layers.forEach((spec, l) => {
    const p = (k: string) => get(`model.layers.${l}.${k}`);
    const normed = xs.map((x) => gemmaNorm(x, p('input_layernorm.weight'), eps));
    const heads = (x: number[], n: number) => Array.from({ length: n }, (_, j) => x.slice(j * D, (j + 1) * D));
    const qs = normed.map((x, t) =>
      heads(matvec(p('self_attn.q_proj.weight'), H * D, h, x), H).map((q) =>
        rotate(gemmaNorm(q, p('self_attn.q_norm.weight'), eps), t, spec.ropeTheta),
      ),
    );
    const ks = normed.map((x, t) =>
      heads(matvec(p('self_attn.k_proj.weight'), Hkv * D, h, x), Hkv).map((k) =>
        rotate(gemmaNorm(k, p('self_attn.k_norm.weight'), eps), t, spec.ropeTheta),
      ),
    );
    const vs = normed.map((x) => heads(matvec(p('self_attn.v_proj.weight'), Hkv * D, h, x), Hkv));
    const attn = qs.map((qh, i) => {
      const out: number[] = [];
      qh.forEach((q, hh) => {
        const kh = Math.floor(hh / (H / Hkv));
        // transformers: key j visible when j <= i and, on sliding layers, j > i - window.
        const visible = ks.map((_, j) => j <= i && (spec.window === 0 || j > i - spec.window));
        const scores = ks.map((k, j) =>
          visible[j] ? k[kh]!.reduce((s, v, d) => s + v * q[d]!, 0) * c.attentionScale : Number.NEGATIVE_INFINITY,
        );
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let d = 0; d < D; d++) out.push(e.reduce((s, pj, j) => s + (pj / z) * vs[j]![kh]![d]!, 0));
      });
      return out;
    });
    xs = xs.map((x, t) => {
      const a = gemmaNorm(
        matvec(p('self_attn.o_proj.weight'), h, H * D, attn[t]!),
        p('post_attention_layernorm.weight'),
        eps,
      );
      const r = x.map((v, i) => v + a[i]!);
      const f = gemmaNorm(r, p('pre_feedforward_layernorm.weight'), eps);
      const g = matvec(p('mlp.gate_proj.weight'), I, h, f);
      const u = matvec(p('mlp.up_proj.weight'), I, h, f);
      const m = matvec(
        p('mlp.down_proj.weight'),
        h,
        I,
        g.map((gv, i) => geluTanh(gv) * u[i]!),
      );
      const ff = gemmaNorm(m, p('post_feedforward_layernorm.weight'), eps);
      return r.map((v, i) => v + ff[i]!);
    });
  });
  return xs.map((x) => matvec(emb, c.vocabSize, h, gemmaNorm(x, get('model.norm.weight'), eps)));
}

describeEachBackend('Gemma3ForCausalLM', () => {
  it('computes the logits transformers would (sliding window biting at 7 tokens with window 3)', async () => {
    const config = parseGemma3TextConfig(tiny);
    const model = createCausalLM(tiny, { seed: 2 }) as Gemma3ForCausalLM;
    // Give the zero-initialised (1 + w) norms non-zero weights so the offset is exercised.
    const rng = new TrainingRng(8);
    for (const [name, t] of model.namedParameters()) {
      if (name.endsWith('norm.weight'))
        t.storage.backend.upload(
          t.storage.handle,
          'f32',
          Float32Array.from({ length: t.size }, () => rng.uniformRange(-0.5, 0.5)),
        );
    }
    const weights: Weights = new Map();
    for (const [name, t] of model.namedParameters()) weights.set(name, await t.array());
    const ids = [3, 17, 5, 39, 0, 22, 8];
    const got = await values(() => model.forward(tensor(Int32Array.from(ids), [1, ids.length], 'i32')));
    expectClose(got, referenceLogits(config, weights, ids).flat(), 2e-4, 'logits');
    model.dispose();
  });
});
