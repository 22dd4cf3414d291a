import { parseLlamaConfig } from '../models/llama/config.js';

/** A decoder small enough to train for dozens of steps in a test: vocabulary 16, one layer, hidden 16. */
export const MICRO_LLAMA = parseLlamaConfig({
  vocab_size: 16,
  hidden_size: 16,
  intermediate_size: 32,
  num_hidden_layers: 1,
  num_attention_heads: 2,
});
