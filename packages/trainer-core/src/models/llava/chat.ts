/**
 * A LLaVA model folder as a prompt-in, text-out responder: renders the chat template, expands
 * and preprocesses the images, and generates with the folder's end and pad tokens
 * (generation_config.json, else the tokenizer's). Calls that arrive together (several simulator
 * episodes asking at once) are generated as one batch.
 */
import { BatchItemFailure, GenerationBatcher } from '../../generate/batcher.js';
import {
  type GenerateOptions,
  type GenerationRequest,
  type GenerationResult,
  generate,
} from '../../generate/generate.js';
import type { ChatMessage } from '../../tokenizer/types.js';
import type { ImagePreprocessorOptions } from '../../vision/preprocess.js';
import type { GenerationTokens, LoadModelOptions } from '../load.js';
import { loadLlava } from './load.js';
import type { LlavaForConditionalGeneration } from './modeling.js';
import { LlavaProcessor } from './processor.js';

export type ChatGenerationOptions = Omit<
  GenerateOptions,
  'tokenizer' | 'eosTokenIds' | 'padTokenId' | 'suppressTokenIds' | 'useCache'
>;

export interface LlavaChatOptions extends Pick<LoadModelOptions, 'backend' | 'label'> {
  generation?: ChatGenerationOptions;
  /** Largest batch of concurrent calls (default 16). */
  maxBatch?: number;
  images?: ImagePreprocessorOptions;
}

export interface ChatPrompt {
  messages: readonly ChatMessage[];
  /** One image file per `<image>` / image part, in order. */
  images: readonly string[];
  /** Sampling seed of this prompt. */
  seed?: number;
}

/** A reply, with the prompt exactly as the model saw it (ids with images expanded, pixels): what RL trains on. */
export interface ChatReply extends GenerationResult {
  prompt: GenerationRequest;
}

export class LlavaChat {
  private readonly batcher: GenerationBatcher<ChatPrompt, ChatReply>;

  constructor(
    readonly model: LlavaForConditionalGeneration,
    readonly processor: LlavaProcessor,
    options: LlavaChatOptions = {},
    tokens: Partial<GenerationTokens> = {},
  ) {
    const special = processor.tokenizer.specialTokens;
    const eos = tokens.eosTokenIds?.length ? tokens.eosTokenIds : special.eos ? [special.eos.id] : [];
    const generation: GenerateOptions = {
      ...options.generation,
      tokenizer: processor.tokenizer,
      eosTokenIds: eos,
      padTokenId: tokens.padTokenId ?? special.pad?.id ?? eos[0] ?? 0,
      suppressTokenIds: [processor.imageTokenId],
    };
    this.batcher = new GenerationBatcher((prompts) => this.run(prompts, generation), { maxBatch: options.maxBatch });
  }

  static async fromFolder(dir: string, options: LlavaChatOptions = {}): Promise<LlavaChat> {
    const loaded = await loadLlava(dir, { backend: options.backend, label: options.label });
    try {
      const processor = LlavaProcessor.fromFolder(dir, { images: options.images, tokenizer: loaded.tokenizer });
      return new LlavaChat(loaded.model, processor, options, loaded.generation);
    } catch (err) {
      loaded.model.dispose();
      throw err;
    }
  }

  /** Prepares every prompt of a batch (images decoded in parallel) and generates for those that could be. */
  private async run(prompts: ChatPrompt[], generation: GenerateOptions): Promise<(ChatReply | BatchItemFailure)[]> {
    const prepared = await Promise.allSettled(prompts.map((p) => this.prepare(p)));
    const ready = prepared.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []));
    const results = await generate(this.model, ready, generation);
    let next = 0;
    return prepared.map((p) =>
      p.status === 'fulfilled' ? { ...results[next++]!, prompt: p.value } : new BatchItemFailure(p.reason),
    );
  }

  private async prepare(prompt: ChatPrompt): Promise<GenerationRequest> {
    const text = this.processor.applyChatTemplate(prompt.messages, true);
    const { ids, pixelValues } = await this.processor.process(text, prompt.images);
    return { ids, pixelValues, seed: prompt.seed };
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
