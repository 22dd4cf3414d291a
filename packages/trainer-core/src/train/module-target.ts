/** A whole module as the training target (full fine-tuning): every trainable parameter, saved as safetensors. */
import { CheckpointFolder, writeCheckpointFolder } from '../io/safetensors/checkpoint-folder.js';
import type { Module } from '../nn/module.js';
import { loadStateDict } from '../nn/state-dict.js';
import type { TrainingTarget } from './trainer.js';

export interface ModuleTargetOptions {
  /** Writes the folder's other files (config.json, tokenizer) next to the weights. */
  writeFiles?: (dir: string) => Promise<void>;
}

export function moduleTarget(model: Module, options: ModuleTargetOptions = {}): TrainingTarget {
  return {
    trainableParameters: () => model.namedParameters().filter(([, t]) => t.requiresGrad),
    save: async (dir) => {
      const tensors = [...model.stateDict()].map(([name, t]) => ({
        name,
        dtype: t.dtype,
        shape: t.shape,
        data: () => t.data(),
      }));
      await writeCheckpointFolder(dir, tensors);
      await options.writeFiles?.(dir);
    },
    load: async (dir) => {
      const source = CheckpointFolder.open(dir);
      try {
        await loadStateDict(model, source);
      } finally {
        source.close();
      }
    },
    setTraining: (training) => {
      model.train(training);
    },
  };
}
