/**
 * GRPO settings under TRL's GRPOConfig / ms-swift's names, on top of the keys every stage shares.
 * Defaults are ms-swift 3.5's (the version GE-Lab trained with): 8 generations, temperature 0.9,
 * top_k 50, top_p 0.9, beta 0.04, epsilon 0.2, loss_type "grpo", rewards scaled by the group std.
 * GE-Lab's own runs set learning_rate 1e-6, temperature 1.2 and top_k 8 (docs/rl.md).
 */
import { z } from 'zod';
import { baseTrainingKeys } from '../train/config.js';

const positiveInt = z.number().int().positive();

/** GE-Lab's multi-turn rollout functions (`--multi_turn_func`): with and without `complete`. */
export const MULTI_TURN_FUNCS = ['gelab_multi_turn', 'gelab_multi_turn_wo_complete'] as const;

export const GrpoConfigSchema = z
  .object({
    ...baseTrainingKeys,
    learning_rate: baseTrainingKeys.learning_rate.default(1e-6),
    /** Completions per micro-batch, as in TRL: whole groups, so a multiple of num_generations. */
    per_device_train_batch_size: positiveInt.default(8),
    /** G: completions sampled per prompt. */
    num_generations: z.number().int().min(2).default(8),
    temperature: z.number().positive().default(0.9),
    /** 0 keeps every token. */
    top_k: z.number().int().nonnegative().default(50),
    top_p: z.number().gt(0).max(1).default(0.9),
    max_completion_length: positiveInt.default(512),
    /** KL coefficient; 0 needs no reference model. */
    beta: z.number().min(0).default(0.04),
    /** Clipping range of the probability ratio: [1 - epsilon, 1 + epsilon_high (default epsilon)]. */
    epsilon: z.number().positive().default(0.2),
    epsilon_high: z.number().positive().nullable().default(null),
    /**
     * grpo: mean over completions of each completion's mean token loss; bnpo: mean over all
     * completion tokens; dr_grpo: sum over tokens / (completions x max_completion_length).
     */
    loss_type: z.enum(['grpo', 'bnpo', 'dr_grpo']).default('grpo'),
    /** Divide advantages by the group's reward std (+ 1e-4). */
    scale_rewards: z.boolean().default(true),
    /** Names of the reward functions, summed into the reward (the CLI offers GE-Lab's; default per stage). */
    reward_funcs: z.array(z.string().min(1)).min(1).nullable().default(null),
    /** One weight per reward function (default 1 each). */
    reward_weights: z.array(z.number()).min(1).nullable().default(null),
    /** Multi-turn: GE-Lab's rollout (with `complete`, or ending on the click that reaches the target). */
    multi_turn_func: z.enum(MULTI_TURN_FUNCS).default('gelab_multi_turn'),
    /** Multi-turn: turns per rollout at most (GE-Lab's released code: 8). */
    max_turns: positiveInt.default(8),
    /** Rows generated together at most (the KV cache of a batch lives at once). */
    generation_batch_size: positiveInt.default(64),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.reward_funcs && c.reward_weights && c.reward_weights.length !== c.reward_funcs.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['reward_weights'],
        message: `has ${c.reward_weights.length} values for ${c.reward_funcs.length} reward_funcs`,
      });
    }
    if (c.per_device_train_batch_size % c.num_generations !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['per_device_train_batch_size'],
        message: `must be a multiple of num_generations (${c.num_generations}): a micro-batch holds whole groups of completions`,
      });
    }
  });

export type GrpoConfig = z.output<typeof GrpoConfigSchema>;
/** The keys as written in a config file or passed to the stage (defaults optional). */
export type GrpoConfigInput = z.input<typeof GrpoConfigSchema>;
