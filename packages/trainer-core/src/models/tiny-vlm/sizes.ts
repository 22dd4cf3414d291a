/**
 * The built-in VLM's sizes: a SigLIP tower on a downscaled screenshot, a two-layer projector
 * and a small Llama, with the GE-Lab tokenizer. `tiny` trains on two CPU cores in minutes;
 * `small` is the step up when a GPU (or patience) is available.
 */
import { TINY_VLM_SPECIAL_TOKENS, tinyVlmBpe } from './tokenizer-spec.js';

export interface TinyVlmSize {
  image: { size: number; patch: number };
  vision: { hidden: number; layers: number; heads: number; intermediate: number };
  text: { hidden: number; layers: number; heads: number; kvHeads: number; intermediate: number };
}

export const TINY_VLM_SIZES = {
  tiny: {
    image: { size: 224, patch: 28 },
    vision: { hidden: 128, layers: 2, heads: 2, intermediate: 512 },
    text: { hidden: 192, layers: 4, heads: 3, kvHeads: 1, intermediate: 512 },
  },
  small: {
    image: { size: 336, patch: 28 },
    vision: { hidden: 256, layers: 4, heads: 4, intermediate: 1024 },
    text: { hidden: 384, layers: 6, heads: 6, kvHeads: 2, intermediate: 1024 },
  },
} as const satisfies Record<string, TinyVlmSize>;

export type TinyVlmSizeName = keyof typeof TINY_VLM_SIZES;

export function isTinyVlmSize(name: string): name is TinyVlmSizeName {
  return Object.hasOwn(TINY_VLM_SIZES, name);
}

/** Longest sequence the config declares (RoPE itself has no limit). */
export const TINY_VLM_MAX_POSITIONS = 2048;

const IMAGE_TOKEN_ID = TINY_VLM_SPECIAL_TOKENS.indexOf('<image>');
const PAD_ID = TINY_VLM_SPECIAL_TOKENS.indexOf('<|endoftext|>');
const EOS_ID = TINY_VLM_SPECIAL_TOKENS.indexOf('<|im_end|>');

/** config.json of a size, as transformers' LlavaConfig.to_dict() lays it out. */
export function tinyVlmConfigJson(size: TinyVlmSize | TinyVlmSizeName) {
  const s: TinyVlmSize = typeof size === 'string' ? TINY_VLM_SIZES[size] : size;
  const tokens = tinyVlmBpe().vocab.length;
  const grid = s.image.size / s.image.patch;
  if (!Number.isInteger(grid)) throw new RangeError(`tiny VLM: patch ${s.image.patch} does not divide ${s.image.size}`);
  return {
    architectures: ['LlavaForConditionalGeneration'],
    model_type: 'llava',
    image_token_index: IMAGE_TOKEN_ID,
    image_seq_length: grid * grid,
    projector_hidden_act: 'gelu_pytorch_tanh',
    vision_feature_layer: -1,
    vision_feature_select_strategy: 'full',
    multimodal_projector_bias: true,
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    vision_config: {
      model_type: 'siglip_vision_model',
      hidden_size: s.vision.hidden,
      intermediate_size: s.vision.intermediate,
      num_hidden_layers: s.vision.layers,
      num_attention_heads: s.vision.heads,
      num_channels: 3,
      image_size: s.image.size,
      patch_size: s.image.patch,
      hidden_act: 'gelu_pytorch_tanh',
      layer_norm_eps: 1e-6,
      attention_dropout: 0,
      vision_use_head: false,
    },
    text_config: {
      model_type: 'llama',
      // Rounded up to a multiple of 64 (the extra rows are never produced by the tokenizer).
      vocab_size: Math.ceil(tokens / 64) * 64,
      hidden_size: s.text.hidden,
      intermediate_size: s.text.intermediate,
      num_hidden_layers: s.text.layers,
      num_attention_heads: s.text.heads,
      num_key_value_heads: s.text.kvHeads,
      head_dim: s.text.hidden / s.text.heads,
      hidden_act: 'silu',
      max_position_embeddings: TINY_VLM_MAX_POSITIONS,
      rms_norm_eps: 1e-6,
      rope_theta: 10000,
      attention_bias: false,
      mlp_bias: false,
      tie_word_embeddings: false,
      initializer_range: 0.02,
      bos_token_id: null,
      eos_token_id: EOS_ID,
      pad_token_id: PAD_ID,
    },
  };
}

export function tinyVlmGenerationConfigJson() {
  return { eos_token_id: EOS_ID, pad_token_id: PAD_ID, do_sample: false };
}
