/**
 * `guinav infer`: one screenshot and one instruction in, the model's reply (a GE-Lab action)
 * out. The prompt goes through the model folder's chat template as the user turn, with the
 * image placeholder first unless the prompt places it. A PEFT adapter (--adapter) is merged in.
 */
import { loadChat, parseDeviceRequest, readModelConfig } from '@guinav/trainer-core';
import type { Command } from 'commander';
import { initCliBackend } from '../device.js';
import { nonNegativeInteger, nonNegativeNumber, positiveInteger, positiveNumber } from '../option-parsers.js';

export interface InferOptions {
  model: string;
  /** A PEFT LoRA adapter folder, merged into the model as it loads. */
  adapter?: string;
  image: string;
  prompt: string;
  system?: string;
  maxNewTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
  device: string;
  json?: boolean;
}

const IMAGE = '<image>';

/** Runs the model and returns what it printed. */
export async function runInfer(opts: InferOptions, print: (line: string) => void = console.log) {
  if (opts.topP !== undefined && opts.topP > 1)
    throw new Error(`--top-p: expected a number in (0, 1], got ${opts.topP}`);
  const { family } = readModelConfig(opts.model, '--model');
  if (family.modelType !== 'llava') {
    throw new Error(
      `--model ${opts.model}: infer runs vision-language (model_type "llava") folders; this one is "${family.modelType}"`,
    );
  }
  const { backend } = await initCliBackend(parseDeviceRequest(opts.device));
  const { chat } = await loadChat(opts.model, {
    backend,
    label: '--model',
    adapter: opts.adapter,
    adapterLabel: '--adapter',
    generation: {
      maxNewTokens: opts.maxNewTokens,
      temperature: opts.temperature,
      topK: opts.topK,
      topP: opts.topP,
      seed: opts.seed,
    },
  });
  try {
    const user = opts.prompt.includes(IMAGE) ? opts.prompt : `${IMAGE}${opts.prompt}`;
    const messages = [
      ...(opts.system ? [{ role: 'system', content: opts.system }] : []),
      { role: 'user', content: user },
    ];
    const images = new Array<string>(user.split(IMAGE).length - 1).fill(opts.image);
    const reply = await chat.respond({ messages, images });
    print(
      opts.json
        ? JSON.stringify({ text: reply.text, tokens: reply.tokens, finish_reason: reply.finishReason })
        : (reply.text ?? ''),
    );
    return reply;
  } finally {
    chat.dispose();
  }
}

export function registerInfer(program: Command): void {
  program
    .command('infer')
    .description('Run a model on one screenshot and instruction and print its reply (the action)')
    .requiredOption('--model <dir>', 'model folder (config.json, model.safetensors, tokenizer and processor files)')
    .option('--adapter <dir>', 'a PEFT LoRA adapter folder for the model (merged as it loads)')
    .requiredOption('--image <file>', 'screenshot (PNG, JPEG, WebP)')
    .requiredOption('--prompt <text>', `user turn, e.g. "Instruction: from page_3 to page_12. History: Null"`)
    .option('--system <text>', 'system turn before it')
    .option('--max-new-tokens <n>', 'tokens to generate at most', positiveInteger, 64)
    .option('--temperature <t>', 'sampling temperature; 0 = greedy', nonNegativeNumber, 0)
    .option('--top-k <k>', 'sample from the k most likely tokens', nonNegativeInteger)
    .option('--top-p <p>', 'sample from the most likely tokens covering this probability', positiveNumber)
    .option('--seed <n>', 'sampling seed', nonNegativeInteger, 0)
    .option('--device <device>', 'auto, cpu or webgpu', 'cpu')
    .option('--json', 'print {"text", "tokens", "finish_reason"}')
    .action(async (opts: InferOptions) => {
      await runInfer(opts);
    });
}
