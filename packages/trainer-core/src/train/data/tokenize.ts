/**
 * Turning conversations into token examples as TRL does for prompt-completion data: the prompt
 * is rendered with the chat template and the generation prompt, the whole conversation without
 * it, and the completion is what the whole adds after the prompt's ids. Loss (labels) only on the
 * completion. When the whole does not start with the prompt's ids (a template that rewrites
 * earlier turns), TRL warns and keeps the prompt length; so does this, counting such records.
 */
import { IGNORE_INDEX } from '../../ops/loss.js';
import type { ChatMessage, Tokenizer } from '../../tokenizer/types.js';
import type { TokenizedExample } from '../causal-lm-batch.js';
import type { PreferenceExampleIds, PreferencePair, PromptCompletion } from './types.js';

export interface TokenizeOptions {
  /** Replaces each image placeholder token in the ids (a VLM expands it to its image tokens). */
  expandImages?: (ids: number[], images: readonly string[]) => number[];
  /** Called once per record whose full ids do not extend its prompt's. */
  onPrefixMismatch?: (where: string) => void;
}

function split(
  tokenizer: Tokenizer,
  prompt: ChatMessage[],
  completion: ChatMessage[],
  images: readonly string[],
  o: TokenizeOptions,
  where: string,
) {
  const expand = (ids: number[]) => (o.expandImages ? o.expandImages(ids, images) : ids);
  const promptIds = expand(tokenizer.encodeChat(prompt, { addGenerationPrompt: true }));
  const fullIds = expand(tokenizer.encodeChat([...prompt, ...completion]));
  if (!promptIds.every((id, i) => fullIds[i] === id)) o.onPrefixMismatch?.(where);
  return { promptIds, completionIds: fullIds.slice(promptIds.length) };
}

export function tokenizePromptCompletion(
  tokenizer: Tokenizer,
  pc: PromptCompletion,
  o: TokenizeOptions = {},
): TokenizedExample {
  const { promptIds, completionIds } = split(tokenizer, pc.prompt, pc.completion, pc.images, o, pc.where);
  if (completionIds.length === 0) throw new Error(`${pc.where}: the completion encodes to no tokens`);
  return {
    inputIds: Int32Array.from([...promptIds, ...completionIds]),
    labels: Int32Array.from([...new Array<number>(promptIds.length).fill(IGNORE_INDEX), ...completionIds]),
  };
}

export function tokenizePreference(
  tokenizer: Tokenizer,
  pair: PreferencePair,
  o: TokenizeOptions = {},
): PreferenceExampleIds {
  const chosen = split(tokenizer, pair.prompt, pair.chosen, pair.images, o, pair.where);
  const rejected = split(tokenizer, pair.prompt, pair.rejected, pair.images, o, pair.where);
  return {
    prompt: Int32Array.from(chosen.promptIds),
    chosen: Int32Array.from(chosen.completionIds),
    rejected: Int32Array.from(rejected.completionIds),
  };
}
