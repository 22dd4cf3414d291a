/**
 * `guinav train sft|dpo`: supervised fine-tuning and DPO on the shared Trainer. Every training
 * config key is also a flag (`--max-steps 4`, or transformers' `--max_steps 4`), overriding
 * `--config FILE` (JSON or YAML with the same keys).
 */
import { DpoConfigSchema, SftConfigSchema } from '@guinav/trainer-core';
import type { Command } from 'commander';
import { addConfigFlags } from './config-flags.js';
import { runTrain, type TrainCommandOptions } from './session.js';

function common(command: Command): Command {
  return command
    .requiredOption('--dataset <file>', 'training records (.json array or .jsonl)')
    .option('--eval-dataset <file>', 'evaluation records, scored every eval_steps (eval_strategy "steps")')
    .option('--config <file>', 'training config, JSON or YAML, keys as the flags below (snake_case)')
    .option('--model <dir>', 'a Hugging Face model folder (config.json, safetensors, tokenizer.json)');
}

export function registerTrain(program: Command): void {
  const train = program
    .command('train')
    .description('Fine-tune a model: supervised (sft) or with preference pairs (dpo)');
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
}
