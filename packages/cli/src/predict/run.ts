import type { OnProgress } from '@guinav/data-gen';
import type { ChatPrompt } from '@guinav/trainer-core';
import type { LocalModel } from '../serving/local-model.js';
import type { PredictItem } from './sources.js';

export interface PredictRunOptions {
  /** Prompts per generation call. */
  batchSize: number;
  /** Greedy decoding: identical prompts (a step repeated across preference pairs) are generated once. */
  greedy: boolean;
  /** Sampling seed of item i is seed + i. */
  seed: number;
  signal?: AbortSignal;
  onProgress?: OnProgress;
}

export interface PredictRunResult {
  /** One answer per item, in item order. */
  preds: string[];
  /** Prompts generated (after merging identical greedy prompts). */
  generated: number;
  /** New tokens generated. */
  tokens: number;
  seconds: number;
}

/**
 * Answers every item, `batchSize` prompts per generation call, checking for Ctrl-C between calls.
 * Every prompt is built (and refused, naming its record) before the first call.
 */
export async function predictItems(
  model: LocalModel,
  items: readonly PredictItem[],
  options: PredictRunOptions,
): Promise<PredictRunResult> {
  const unique = new Map<string, { prompt: ChatPrompt; items: number[] }>();
  items.forEach((item, i) => {
    let prompt: ChatPrompt;
    try {
      prompt = model.prompt(item.messages, item.images);
    } catch (err) {
      throw new Error(`${item.where}: ${(err as Error).message}`);
    }
    const key = options.greedy ? JSON.stringify([prompt.messages, prompt.images]) : String(i);
    const entry = unique.get(key);
    if (entry) entry.items.push(i);
    else unique.set(key, { prompt: { ...prompt, seed: options.seed + i }, items: [i] });
  });
  const work = [...unique.values()];
  const preds = new Array<string>(items.length);
  const started = performance.now();
  let tokens = 0;
  let done = 0;
  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    options.onProgress?.({
      phase: 'generate',
      done,
      total: items.length,
      info: { 'tokens/s': seconds > 0 ? (tokens / seconds).toFixed(0) : '-' },
    });
  };
  report();
  for (let at = 0; at < work.length; at += options.batchSize) {
    options.signal?.throwIfAborted();
    const batch = work.slice(at, at + options.batchSize);
    const replies = await Promise.all(
      batch.map((w) =>
        model.chat.respond(w.prompt).catch((err: Error) => {
          throw new Error(`${items[w.items[0]!]!.where}: ${err.message}`);
        }),
      ),
    );
    replies.forEach((reply, j) => {
      tokens += reply.tokens.length;
      for (const i of batch[j]!.items) preds[i] = reply.text ?? '';
      done += batch[j]!.items.length;
    });
    report();
  }
  return { preds, generated: work.length, tokens, seconds: (performance.now() - started) / 1000 };
}
