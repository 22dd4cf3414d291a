/** A model's LoRA adapters as the training target: only they train, and checkpoints hold the PEFT adapter. */
import { loadAdapterWeights, saveAdapter } from '../lora/peft-adapter.js';
import type { Module } from '../nn/module.js';
import type { TrainingTarget } from './trainer.js';

export interface AdapterTargetOptions {
  /** base_model_name_or_path of the saved adapters. */
  baseModelNameOrPath: string;
  /** Writes the folder's other files (the tokenizer) next to the adapter. */
  writeFiles?: (dir: string) => Promise<void>;
}

export function adapterTarget(model: Module, options: AdapterTargetOptions): TrainingTarget {
  return {
    trainableParameters: () => model.namedParameters().filter(([, t]) => t.requiresGrad),
    save: async (dir) => {
      await saveAdapter(dir, model, { baseModelNameOrPath: options.baseModelNameOrPath });
      await options.writeFiles?.(dir);
    },
    load: async (dir) => loadAdapterWeights(dir, model),
    setTraining: (training) => {
      model.train(training);
    },
  };
}
