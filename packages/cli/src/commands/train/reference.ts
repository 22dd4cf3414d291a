/**
 * The reference model of DPO and GRPO: the model the stage starts from, frozen. With LoRA that is
 * the trained model with its adapter switched off (the base, or the merged SFT model); after full
 * fine-tuning it is a frozen copy loaded from the folder the stage started from.
 */
import { type Backend, type LoadedModel, loadModel, type Tensor, withLoraDisabled } from '@guinav/trainer-core';

export async function referenceLogits<B>(
  usePeft: boolean,
  loaded: LoadedModel,
  startFolder: string,
  backend: Backend,
  logitsOf: (model: LoadedModel['model']) => (batch: B) => Tensor,
): Promise<(batch: B) => Tensor> {
  if (usePeft) return startModelLogits(true, loaded, logitsOf);
  const frozen = await loadModel(startFolder, { backend, tokenizer: false });
  frozen.model.freeze().eval();
  return logitsOf(frozen.model);
}

/**
 * The reference as it is before the first step (precompute_ref_log_probs): the model being trained
 * itself, with its adapter switched off under LoRA. Until training changes it, it is the model the
 * stage starts from, so (as TRL) no frozen copy is loaded.
 */
export function startModelLogits<B>(
  usePeft: boolean,
  loaded: LoadedModel,
  logitsOf: (model: LoadedModel['model']) => (batch: B) => Tensor,
): (batch: B) => Tensor {
  const policy = logitsOf(loaded.model);
  return usePeft ? (b) => withLoraDisabled(loaded.model, () => policy(b)) : policy;
}
