/**
 * What `guinav train grpo` trains with: GE-Lab's RL records, the reward functions (by their
 * published names), the rollouts (single-turn, or multi-turn in eval-env's simulator) sampled from
 * the policy with the GRPO settings, the frozen reference, and the GRPO objective for the shared
 * Trainer. The policy is a LLaVA folder (the built-in VLM by default): the records show screenshots.
 */
import path from 'node:path';
import { loadWorld, type World } from '@guinav/data-gen';
import { gelabRewards, ScreenshotStore, type SuccessVariant } from '@guinav/eval-env';
import {
  type Backend,
  ExampleBatches,
  type GrpoConfig,
  GrpoObjective,
  LlavaChat,
  LlavaForConditionalGeneration,
  LlavaProcessor,
  type LoadedModel,
  type Tokenizer,
  visionLMLogits,
} from '@guinav/trainer-core';
import { referenceLogits } from '../commands/train/reference.js';
import { type RlRecord, readRlRecords } from './rl-records.js';
import { multiTurnRollouts, singleTurnRollouts } from './rollouts.js';

export const RL_STAGES = ['st', 'mt'] as const;
export type RlStage = (typeof RL_STAGES)[number];

/** GE-Lab's rewards when --reward-funcs is not given: the four single-turn ones; multi-turn: reaching the target. */
export function defaultRewardFuncs(stage: RlStage, multiTurnFunc: GrpoConfig['multi_turn_func']): string[] {
  if (stage === 'st') return ['web_action_match', 'web_coordinate_match', 'web_intent_match', 'format_constraint'];
  return multiTurnFunc === 'gelab_multi_turn' ? ['a2b'] : ['a2b_wo'];
}

const VARIANTS: Record<GrpoConfig['multi_turn_func'], SuccessVariant> = {
  gelab_multi_turn: 'with-complete',
  gelab_multi_turn_wo_complete: 'click-only',
};

export interface GrpoInputs {
  dataset: string;
  stage: RlStage;
  /** The world (ui_structure.json): multi-turn rollouts and the a2b rewards need it. */
  uiStructure?: string;
  /** Its screenshots (default: the folder of the records' images). */
  imagesDir?: string;
}

export function parseRlStage(value: unknown): RlStage {
  if (value === undefined) throw new Error(`--stage: give st (st_rl.json) or mt (mt_rl.json)`);
  if (!(RL_STAGES as readonly unknown[]).includes(value)) {
    throw new Error(`--stage: expected st or mt, got "${String(value)}"`);
  }
  return value as RlStage;
}

function checkBoxes(records: readonly RlRecord[], names: readonly string[]): void {
  if (!names.includes('web_coordinate_match_bbox')) return;
  const without = records.find((r) => !r.bboxNorm);
  if (without) throw new Error(`${without.where}: field "bbox_norm": web_coordinate_match_bbox needs it`);
}

async function worldFor(inputs: GrpoInputs, stage: RlStage): Promise<World | undefined> {
  if (inputs.uiStructure) return loadWorld(inputs.uiStructure);
  if (stage === 'mt') throw new Error('--stage mt: give --ui-structure, the world the rollouts step through');
  return undefined;
}

export async function grpoParts(
  config: GrpoConfig,
  inputs: GrpoInputs,
  loaded: LoadedModel,
  tokenizer: Tokenizer,
  /** The folder of the model GRPO starts from (the merged SFT model when an adapter was given). */
  startFolder: string,
  backend: Backend,
) {
  const model = loaded.model;
  if (!(model instanceof LlavaForConditionalGeneration)) {
    throw new Error(
      `--model ${loaded.dir}: GRPO on GE-Lab's records needs a vision-language (LLaVA) model, the records show screenshots`,
    );
  }
  const processor = LlavaProcessor.fromFolder(loaded.dir, { tokenizer });
  const records = readRlRecords(inputs.dataset);
  const names = config.reward_funcs ?? defaultRewardFuncs(inputs.stage, config.multi_turn_func);
  const world = await worldFor(inputs, inputs.stage);
  const rewards = gelabRewards(names, world ? { world } : {});
  checkBoxes(records, names);
  const chat = new LlavaChat(
    model,
    processor,
    {
      generation: {
        temperature: config.temperature,
        topK: config.top_k,
        topP: config.top_p,
        maxNewTokens: config.max_completion_length,
      },
      maxBatch: config.generation_batch_size,
    },
    loaded.generation,
  );
  const g = config.num_generations;
  let rollout = singleTurnRollouts({ chat, rewards, numGenerations: g });
  if (inputs.stage === 'mt') {
    const screenshots = new ScreenshotStore(world!, inputs.imagesDir ?? path.dirname(records[0]!.image));
    await screenshots.checkAll(world!.pageIds);
    rollout = multiTurnRollouts({
      chat,
      rewards,
      numGenerations: g,
      world: world!,
      screenshots,
      variant: VARIANTS[config.multi_turn_func],
      maxTurns: config.max_turns,
    });
  }
  const pad = tokenizer.specialTokens.pad?.id ?? loaded.generation.padTokenId ?? 0;
  const objective = new GrpoObjective<RlRecord>({
    rollout,
    rewardNames: rewards.map((r) => r.name),
    rewardWeights: config.reward_weights,
    policy: visionLMLogits(model),
    reference:
      config.beta > 0
        ? await referenceLogits(config.use_peft, loaded, startFolder, backend, (m) =>
            visionLMLogits(m as LlavaForConditionalGeneration),
          )
        : undefined,
    collate: { padId: pad, imageTokenId: processor.imageTokenId, tokensPerImage: processor.tokensPerImage },
    numGenerations: g,
    beta: config.beta,
    epsilon: config.epsilon,
    epsilonHigh: config.epsilon_high,
    lossType: config.loss_type,
    scaleRewards: config.scale_rewards,
    maxCompletionLength: config.max_completion_length,
    maxLength: config.max_length,
  });
  const train = new ExampleBatches(records, (rs: RlRecord[]) => rs, {
    batchSize: config.per_device_train_batch_size / g,
    seed: config.seed,
  });
  return { objective, train, rewardNames: rewards.map((r) => r.name) };
}
