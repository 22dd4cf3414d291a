import { IMAGE_TOKEN } from './chat.js';

/**
 * Prompts for a GUI-Odyssey step: `seed`, the seed pipeline's `<image>\nUser: {instruction}\nModel:`
 * (ms-swift / TRL put the screenshot at `<image>`), or `official`, the prompt the GUI-Odyssey
 * agent is trained and evaluated with (`build_train_chat` in data/format_converter.py).
 */
export const ODYSSEY_PROMPT_FORMATS = ['seed', 'official'] as const;
export type OdysseyPromptFormat = (typeof ODYSSEY_PROMPT_FORMATS)[number];

/** How many previous actions the official prompt lists (the converter's and evaluator's default `his_len`). */
export const ODYSSEY_HISTORY_LENGTH = 4;

export interface OdysseyPromptInput {
  instruction: string;
  /** The screenshot path, written inside `<img>...</img>` by the official format. */
  image: string;
  /** The episode's previous actions, oldest first, as action strings. */
  history: readonly string[];
}

/** The seed pipeline's SFT/DPO prompt. */
export function odysseyDpoPrompt(instruction: string): string {
  return `${IMAGE_TOKEN}\nUser: ${instruction}\nModel:`;
}

/**
 * The official prompt: `Picture 1: <img>{image}</img>\nI'm looking for guidance on how to
 * {instruction}`, then the previous screenshot marker and the last four actions, each as
 * `n. {action}\n` (or `None` for both on the first step), then
 * `\nProvide the command-style action directly.`
 */
export function odysseyOfficialPrompt({ instruction, image, history }: OdysseyPromptInput): string {
  let prompt = `Picture 1: <img>${image}</img>\nI'm looking for guidance on how to ${instruction}`;
  if (history.length > 0) {
    const actions = history
      .slice(-ODYSSEY_HISTORY_LENGTH)
      .map((action, i) => `${i + 1}. ${action}\n`)
      .join('');
    prompt += `\nPrevious screenshots: <img>image-history: ${image}</img>\nPrevious Actions: ${actions}`;
  } else {
    prompt += '\nPrevious screenshots: None\nPrevious Actions: None';
  }
  return `${prompt}\nProvide the command-style action directly.`;
}

export function odysseyPrompt(format: OdysseyPromptFormat, input: OdysseyPromptInput): string {
  return format === 'official' ? odysseyOfficialPrompt(input) : odysseyDpoPrompt(input.instruction);
}
