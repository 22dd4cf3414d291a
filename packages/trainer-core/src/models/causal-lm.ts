/** What every model family's causal LM offers the trainer, generation and the CLI. */
import type { AttentionInputs } from '../nn/attention.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DecoderDims } from './config-common.js';

export interface CausalLMOptions {
  /** Seed of the initialisation (parameters are drawn in checkpoint-key order). */
  seed?: number;
}

export interface CausalLM extends Module {
  readonly config: DecoderDims & { readonly modelType: string };
  /** i32 ids [B, T] -> logits [B, T, vocab]. */
  forward(ids: Tensor, inputs?: AttentionInputs): Tensor;
}
