/**
 * How a family's checkpoint keys map onto its modules' state keys. The Hugging Face families
 * name their modules after the checkpoint keys, so the map is the identity except for tensors
 * transformers writes but no module holds.
 */
import type { DecoderDims } from './config-common.js';

/** Module key for a checkpoint key, or null for a tensor the model ignores. */
export type CheckpointKeyMap<C = DecoderDims> = (key: string, config: C) => string | null;

/** Llama, Qwen2 and Gemma 3: identity, minus old rotary tables and a tied head's duplicate. */
export const decoderCheckpointKeys: CheckpointKeyMap = (key, config) => {
  // Checkpoints from transformers < 4.36 carry the RoPE inverse frequencies; they are derived.
  if (/\.rotary_emb\.inv_freq$/.test(key)) return null;
  if (key === 'lm_head.weight' && config.tieWordEmbeddings) return null;
  return key;
};
