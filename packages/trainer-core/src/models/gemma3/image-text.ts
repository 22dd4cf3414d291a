/**
 * The text model of a `gemma3` (image-text, Gemma3ForConditionalGeneration) folder, such as
 * google/gemma-3-4b-it: its `text_config` lists only the keys that differ from
 * Gemma3TextConfig's defaults, and its weights sit under `language_model.model.*` (transformers
 * 4.50-4.51) or `model.language_model.*` (4.52+) beside the vision tower and projector, which the
 * text model skips. Saved again, it is a `gemma3_text` folder (Gemma3ForCausalLM).
 */
import { decoderCheckpointKeys } from '../checkpoint-keys.js';
import { configError } from '../config-common.js';
import { type Gemma3TextConfig, parseGemma3TextConfig } from './config.js';

/** transformers' Gemma3TextConfig defaults (configuration_gemma3.py). */
const GEMMA3_TEXT_DEFAULTS = {
  vocab_size: 262208,
  hidden_size: 2304,
  intermediate_size: 9216,
  num_hidden_layers: 26,
  num_attention_heads: 8,
  num_key_value_heads: 4,
  head_dim: 256,
  hidden_activation: 'gelu_pytorch_tanh',
  max_position_embeddings: 131072,
  initializer_range: 0.02,
  rms_norm_eps: 1e-6,
  pad_token_id: 0,
  eos_token_id: 1,
  bos_token_id: 2,
  tie_word_embeddings: true,
  rope_theta: 1e6,
  attention_bias: false,
  attention_dropout: 0,
  query_pre_attn_scalar: 256,
  sliding_window: 4096,
  rope_local_base_freq: 10000,
  sliding_window_pattern: 6,
};

export function parseGemma3ImageTextConfig(json: unknown, source = 'config.json'): Gemma3TextConfig {
  const text = (json as { text_config?: unknown }).text_config;
  if (text === null || typeof text !== 'object' || Array.isArray(text)) {
    throw configError(source, 'text_config', 'expected an object (the text model of a gemma3 folder)');
  }
  return parseGemma3TextConfig(
    { ...GEMMA3_TEXT_DEFAULTS, ...text, model_type: 'gemma3_text' },
    `${source} text_config`,
  );
}

const SKIPPED = ['vision_tower.', 'multi_modal_projector.', 'model.vision_tower.', 'model.multi_modal_projector.'];
const RENAMED: [string, string][] = [
  ['language_model.model.', 'model.'],
  ['model.language_model.', 'model.'],
  ['language_model.lm_head.', 'lm_head.'],
];

export function gemma3ImageTextCheckpointKey(key: string, config: Gemma3TextConfig): string | null {
  if (SKIPPED.some((p) => key.startsWith(p))) return null;
  const renamed = RENAMED.find(([from]) => key.startsWith(from));
  return decoderCheckpointKeys(renamed ? renamed[1] + key.slice(renamed[0].length) : key, config);
}
