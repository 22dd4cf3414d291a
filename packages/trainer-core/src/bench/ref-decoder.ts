/**
 * The reference decoder of the CPU benchmark, `REF` in the PyTorch peer (shared/bench/torch_peer.py):
 * a 4-layer Llama-style decoder (vocab 512, hidden 256, intermediate 704, 4 heads) trained on
 * batches of 8 x 256 tokens. Keep the two in step.
 */
import type { LlamaConfigJson } from '../models/llama/config.js';

export const REF_DECODER = {
  vocab: 512,
  hidden: 256,
  intermediate: 704,
  layers: 4,
  heads: 4,
  kvHeads: 4,
  seq: 256,
  batch: 8,
  ropeTheta: 10000,
  eps: 1e-6,
} as const;

export interface BenchDecoderShape {
  vocab: number;
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  seq: number;
  batch: number;
  ropeTheta: number;
  eps: number;
}

/** The decoder's config.json (untied head, as the peer's separate nn.Linear). */
export function benchDecoderConfig(shape: BenchDecoderShape): LlamaConfigJson {
  return {
    vocab_size: shape.vocab,
    hidden_size: shape.hidden,
    intermediate_size: shape.intermediate,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.kvHeads,
    rms_norm_eps: shape.eps,
    rope_theta: shape.ropeTheta,
    tie_word_embeddings: false,
  };
}
