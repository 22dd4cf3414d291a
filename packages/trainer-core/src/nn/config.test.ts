import { describe, expect, it } from 'vitest';
import { parseDecoderConfig } from './config.js';

const base = {
  vocab_size: 512,
  hidden_size: 256,
  intermediate_size: 704,
  num_hidden_layers: 4,
  num_attention_heads: 4,
};

describe('parseDecoderConfig', () => {
  it('fills the transformers defaults', () => {
    const c = parseDecoderConfig(base);
    expect(c).toMatchObject({
      modelType: 'llama',
      numKvHeads: 4,
      headDim: 64,
      rmsNormEps: 1e-6,
      ropeTheta: 10000,
      tieWordEmbeddings: false,
      hiddenAct: 'silu',
      qkvBias: false,
      initializerRange: 0.02,
    });
  });

  it('reads qwen2 biases, newer rope_parameters, gemma hidden_activation, and keeps unknown keys', () => {
    const c = parseDecoderConfig({
      ...base,
      model_type: 'qwen2',
      rope_parameters: { rope_theta: 1e6, rope_type: 'default' },
      hidden_activation: 'gelu_pytorch_tanh',
      torch_dtype: 'bfloat16',
    });
    expect(c.qkvBias).toBe(true);
    expect(c.ropeTheta).toBe(1e6);
    expect(c.hiddenAct).toBe('gelu_pytorch_tanh');
    expect(c.raw.torch_dtype).toBe('bfloat16');
  });

  it('names the file and the field in errors', () => {
    expect(() => parseDecoderConfig({ ...base, hidden_size: -1 }, 'models/tiny/config.json')).toThrow(
      /models\/tiny\/config\.json: field "hidden_size"/,
    );
    expect(() => parseDecoderConfig({ ...base, vocab_size: undefined })).toThrow(/config\.json: field "vocab_size"/);
    expect(() => parseDecoderConfig({ ...base, num_key_value_heads: 3 })).toThrow(
      /"num_key_value_heads": 3 does not divide/,
    );
    expect(() => parseDecoderConfig({ ...base, num_attention_heads: 3 })).toThrow(/"head_dim": missing/);
    expect(() => parseDecoderConfig({ ...base, hidden_act: 'gelu' })).toThrow(/"hidden_act"/);
  });
});
