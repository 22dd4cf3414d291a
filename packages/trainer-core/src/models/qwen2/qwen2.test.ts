import { describe, expect, it } from 'vitest';
import { modelFamilyOf } from '../families.js';
import { parseQwen2Config } from './config.js';
import { Qwen2ForCausalLM } from './modeling.js';

const tiny = {
  model_type: 'qwen2',
  vocab_size: 32,
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  num_key_value_heads: 2,
};

describe('Qwen2', () => {
  it('has biases on q/k/v but not on o_proj, and Llama checkpoint keys', () => {
    const m = new Qwen2ForCausalLM(parseQwen2Config(tiny));
    const names = m.namedParameters().map(([n]) => n);
    for (const p of ['q', 'k', 'v']) expect(names).toContain(`model.layers.0.self_attn.${p}_proj.bias`);
    expect(names).not.toContain('model.layers.0.self_attn.o_proj.bias');
    expect(names).toContain('model.layers.3.mlp.down_proj.weight');
    expect(modelFamilyOf(tiny).architecture).toBe('Qwen2ForCausalLM');
    m.dispose();
  });

  it('slides layers at and above max_window_layers only when use_sliding_window is on (transformers rule)', () => {
    expect(parseQwen2Config({ ...tiny, sliding_window: 8 }).layerWindows).toEqual([0, 0, 0, 0]);
    expect(
      parseQwen2Config({ ...tiny, use_sliding_window: true, sliding_window: 8, max_window_layers: 2 }).layerWindows,
    ).toEqual([0, 0, 8, 8]);
    expect(
      parseQwen2Config({
        ...tiny,
        use_sliding_window: true,
        sliding_window: 8,
        layer_types: ['sliding_attention', 'full_attention', 'full_attention', 'sliding_attention'],
      }).layerWindows,
    ).toEqual([8, 0, 0, 8]);
    expect(() => parseQwen2Config({ ...tiny, layer_types: ['full_attention'] })).toThrow(
      /field "layer_types": has 1 entries for 4 layers/,
    );
    expect(() => parseQwen2Config({ ...tiny, model_type: 'llama' })).toThrow(/field "model_type"/);
  });
});
