/**
 * A model as a prompt-in, text-out responder: chat messages are rendered with the tokenizer's
 * chat template and generated with the folder's end and pad tokens (generation_config.json, else
 * the tokenizer's). Calls that arrive together (several simulator episodes or server requests
 * asking at once) are generated as one batch; a prompt that cannot be prepared fails alone.
 * `TextChat` serves text decoders; the LLaVA chat adds images (models/llava/chat.ts).
 */
import type { CausalLM } from '../models/causal-lm.js';
import type { ChatMessage, Tokenizer } from '../tokenizer/types.js';
import { BatchItemFailure, GenerationBatcher, type GenerationBatcherOptions } from './batcher.js';
import {
  type GenerateOptions,
  type GenerationRequest,
  type GenerationResult,
  generate,
  type RowGenerationOptions,
} from './generate.js';

export type ChatGenerationOptions = Omit<
  GenerateOptions,
  'tokenizer' | 'eosTokenIds' | 'padTokenId' | 'suppressTokenIds' | 'useCache'
>;

export interface ChatOptions {
  /** Defaults of every call (greedy, 64 new tokens unless set). */
  generation?: ChatGenerationOptions;
  /** Largest batch of concurrent calls (default 16). */
  maxBatch?: number;
  /** How long the first call of a batch waits for company, in ms (default 0: the same tick). */
  waitMs?: GenerationBatcherOptions['waitMs'];
}

export interface ChatPrompt {
  messages: readonly ChatMessage[];
  /** One image file per `<image>` / image part, in order (none for a text model). */
  images: readonly string[];
  /** Sampling seed of this prompt. */
  seed?: number;
  /** This prompt's own sampling settings, token limit and stop strings, over the chat's defaults. */
  generation?: RowGenerationOptions;
}

/** A reply: the generation result, and the prompt exactly as the model saw it (what RL trains on). */
export interface ChatReply extends GenerationResult {
  /** The prompt's length in tokens (images expanded). */
  promptTokens: number;
  /** Its ids with the images expanded, the pixels, the seed. */
  prompt: GenerationRequest;
}

/** A prompt that could not be prepared (a missing image, a placeholder count that does not match): the caller's fault. */
export class PromptError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'PromptError';
  }
}

/** The end and pad ids generation uses (from config.json / generation_config.json). */
export interface ChatTokens {
  eosTokenIds?: readonly number[];
  padTokenId?: number;
}

export abstract class BatchedChat {
  private readonly batcher: GenerationBatcher<ChatPrompt, ChatReply>;
  /** The ids that end an answer. */
  readonly eosTokenIds: readonly number[];

  constructor(
    readonly model: CausalLM,
    readonly tokenizer: Tokenizer,
    options: ChatOptions,
    tokens: ChatTokens,
    suppressTokenIds: readonly number[] = [],
  ) {
    const special = tokenizer.specialTokens;
    const eos = tokens.eosTokenIds?.length ? [...tokens.eosTokenIds] : special.eos ? [special.eos.id] : [];
    this.eosTokenIds = eos;
    const generation: GenerateOptions = {
      ...options.generation,
      tokenizer,
      eosTokenIds: eos,
      padTokenId: tokens.padTokenId ?? special.pad?.id ?? eos[0] ?? 0,
      suppressTokenIds,
    };
    this.batcher = new GenerationBatcher((prompts) => this.run(prompts, generation), {
      maxBatch: options.maxBatch,
      waitMs: options.waitMs,
    });
  }

  /** Token ids (and images) of one prompt; throwing fails this prompt alone. */
  protected abstract prepare(prompt: ChatPrompt): Promise<Omit<GenerationRequest, 'seed' | 'options'>>;

  /** Prepares every prompt of a batch (in parallel) and generates for those that could be. */
  private async run(prompts: ChatPrompt[], generation: GenerateOptions): Promise<(ChatReply | BatchItemFailure)[]> {
    const prepared = await Promise.allSettled(
      prompts.map(
        async (p): Promise<GenerationRequest> => ({ ...(await this.prepare(p)), seed: p.seed, options: p.generation }),
      ),
    );
    const ready = prepared.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []));
    const results = await generate(this.model, ready, generation);
    let next = 0;
    return prepared.map((p) =>
      p.status === 'fulfilled'
        ? { ...results[next++]!, promptTokens: p.value.ids.length, prompt: p.value }
        : new BatchItemFailure(new PromptError(p.reason)),
    );
  }

  /** The assistant's reply to `prompt`; calls made together are generated as one batch. */
  respond(prompt: ChatPrompt): Promise<ChatReply> {
    return this.batcher.submit(prompt);
  }

  /** Batch sizes run so far. */
  get batchSizes(): readonly number[] {
    return this.batcher.batchSizes;
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** A text decoder (Llama, Qwen2, Gemma 3) behind its tokenizer's chat template. */
export class TextChat extends BatchedChat {
  protected async prepare(prompt: ChatPrompt): Promise<Omit<GenerationRequest, 'seed' | 'options'>> {
    if (prompt.images.length > 0) {
      throw new Error(
        `a text model (${this.model.config.modelType}) cannot take images; got ${prompt.images.length} image(s)`,
      );
    }
    return { ids: this.tokenizer.encodeChat(prompt.messages, { addGenerationPrompt: true }) };
  }
}
