/**
 * `guinav train sft|dpo|grpo`: supervised fine-tuning, DPO and GRPO on the shared Trainer. Every
 * training config key is also a flag (`--max-steps 4`, or transformers' `--max_steps 4`),
 * overriding `--config FILE` (JSON or YAML with the same keys).
 */
import { GELAB_REWARD_NAMES } from '@guinav/eval-env';
import { DpoConfigSchema, GrpoConfigSchema, SftConfigSchema } from '@guinav/trainer-core';
import type { Command } from 'commander';
import { addConfigFlags } from './config-flags.js';
import { runTrain, type TrainCommandOptions } from './session.js';

function common(command: Command, withEval = true): Command {
  command.requiredOption('--dataset <file>', 'training records (.json array or .jsonl)');
  if (withEval) {
    command.option('--eval-dataset <file>', 'evaluation records, scored every eval_steps (eval_strategy "steps")');
  }
  return command
    .option('--config <file>', 'training config, JSON or YAML, keys as the flags below (snake_case)')
    .option('--model <dir>', 'a Hugging Face model folder (config.json, safetensors, tokenizer.json)');
}

export function registerTrain(program: Command): void {
  const train = program
    .command('train')
    .description('Fine-tune a model: supervised (sft), with preference pairs (dpo) or with rewards (grpo)');
  const sft = common(train.command('sft').description('Supervised fine-tuning with loss on the completions only'));
  addConfigFlags(sft, SftConfigSchema).action(async (opts: TrainCommandOptions) => {
    const { result, outputDir } = await runTrain('sft', opts);
    console.log(`sft: ${result.globalStep} steps; final model in ${result.dir} (logs in ${outputDir})`);
  });
  const dpo = common(
    train.command('dpo').description('Direct Preference Optimization from a model (and its SFT adapter)'),
  );
  dpo.option('--adapter <dir>', 'the SFT adapter (PEFT) DPO starts from: merged into the base, the reference model');
  addConfigFlags(dpo, DpoConfigSchema).action(async (opts: TrainCommandOptions) => {
    const { result, outputDir } = await runTrain('dpo', opts);
    console.log(`dpo: ${result.globalStep} steps; final model in ${result.dir} (logs in ${outputDir})`);
  });
  const grpo = common(
    train
      .command('grpo')
      .description(
        "GRPO with GE-Lab's rewards: single-turn on st_rl.json, or multi-turn rollouts in the simulator on mt_rl.json",
      ),
    false,
  )
    .option('--stage <st|mt>', 'st: one answer per st_rl record; mt: episodes of up to max_turns in the simulator')
    .option('--adapter <dir>', 'the SFT adapter (PEFT) GRPO starts from: merged into the base, the reference model')
    .option('--ui-structure <file>', 'the world (ui_structure.json): needed by --stage mt and the a2b rewards')
    .option('--images-dir <dir>', "the world's screenshots (default: the folder of the records' images)")
    .addHelpText(
      'after',
      `\nReward functions (--reward-funcs, comma-separated): ${GELAB_REWARD_NAMES.join(', ')}.\n` +
        'Defaults: st web_action_match,web_coordinate_match,web_intent_match,format_constraint; ' +
        'mt a2b (multi_turn_func gelab_multi_turn) or a2b_wo (gelab_multi_turn_wo_complete).\n' +
        'Without --model, the built-in tiny VLM is created in <output-dir>/base_model.',
    );
  addConfigFlags(grpo, GrpoConfigSchema).action(async (opts: TrainCommandOptions) => {
    const { result, outputDir } = await runTrain('grpo', opts);
    console.log(`grpo: ${result.globalStep} steps; final model in ${result.dir} (logs in ${outputDir})`);
  });
}
