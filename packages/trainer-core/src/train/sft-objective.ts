/**
 * The SFT objective: token cross-entropy on the completion (labels -100 elsewhere), with TRL's
 * `mean_token_accuracy` (share of counted tokens whose argmax is the label). The logits come from
 * a function, so a text decoder and a vision-language model (which also reads pixels) share it.
 */
import type { AttentionInputs } from '../nn/attention.js';
import { tensor } from '../ops/create.js';
import { crossEntropy } from '../ops/loss.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CausalLMBatch, shiftAlignedLabels } from './causal-lm-batch.js';
import type { ObjectiveOutput, TrainingObjective } from './trainer.js';

export interface LogitsModel {
  forward(ids: Tensor, inputs?: AttentionInputs): Tensor;
}

/** A text model's logits for a padded batch: ids and the padding mask go in. */
export function causalLMLogits(model: LogitsModel): (b: CausalLMBatch) => Tensor {
  return (b) => {
    const ids = tensor(b.inputIds, [b.batch, b.seq], 'i32');
    const mask = tensor(b.attentionMask, [b.batch, b.seq], 'i32');
    return model.forward(ids, { attentionMask: mask });
  };
}

export class SftObjective<B extends CausalLMBatch = CausalLMBatch> implements TrainingObjective<B> {
  constructor(private readonly logits: (batch: B) => Tensor) {}

  forward(batch: B): ObjectiveOutput {
    const logits = this.logits(batch);
    const labels = tensor(shiftAlignedLabels(batch.labels, batch.batch, batch.seq), [batch.batch, batch.seq], 'i32');
    const { loss, accuracy } = crossEntropy(logits, labels);
    return { loss, metrics: { mean_token_accuracy: accuracy }, tokens: batch.tokens };
  }
}
