import { IMAGE_TOKEN } from './chat.js';

/** The seed pipeline's SFT/DPO prompt for a GUI-Odyssey step. */
export function odysseyDpoPrompt(instruction: string): string {
  return `${IMAGE_TOKEN}\nUser: ${instruction}\nModel:`;
}
