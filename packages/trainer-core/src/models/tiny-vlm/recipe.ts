/**
 * How to train the built-in tiny VLM: full fine-tuning with these settings (TRL / transformers key
 * names), chosen from the accuracy-versus-time curve measured on the mini world (BENCHMARKS.md):
 * at lr 1e-3, batch 8, in-distribution step accuracy went 41% (8 epochs), 74-87% (24, two runs),
 * 87% (32); 32 epochs keep the default pipeline near 10 minutes on 2 cores.
 * `guinav train` and `guinav pipeline` start from it when no model folder is given.
 */
export const TINY_VLM_RECIPE = {
  sft: {
    learning_rate: 1e-3,
    num_train_epochs: 32,
    per_device_train_batch_size: 8,
    warmup_ratio: 0.05,
    lr_scheduler_type: 'cosine',
  },
  // lr 1e-4 without the RPO term cost 27 points of in-distribution accuracy (the chosen answers'
  // log-probs fell with the rejected ones); 2e-5 with rpo_alpha 1 keeps them (BENCHMARKS.md).
  dpo: {
    learning_rate: 2e-5,
    num_train_epochs: 2,
    per_device_train_batch_size: 4,
    beta: 0.1,
    rpo_alpha: 1,
    // One reference pass before training instead of a reference forward per step (same losses).
    precompute_ref_log_probs: true,
  },
  // GRPO after SFT (the pipeline's RL stage): GE-Lab's sampling (temperature 1.2, top_k 8) and
  // ms-swift's G = 8 and beta; one epoch of the RL prompts, two per step (st_rl: 86 steps on the
  // mini world). A learning rate at the DPO recipe's scale: GE-Lab's 1e-6 is for a 7B model.
  grpo: {
    learning_rate: 1e-5,
    num_train_epochs: 1,
    num_generations: 8,
    per_device_train_batch_size: 16,
    temperature: 1.2,
    top_k: 8,
    max_completion_length: 64,
  },
} as const;
