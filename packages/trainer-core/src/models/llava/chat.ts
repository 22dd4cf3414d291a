/**
 * A LLaVA model folder as a prompt-in, text-out responder: renders the chat template, expands
 * and preprocesses the images, and generates with the folder's end and pad tokens. Calls that
 * arrive together (several simulator episodes asking at once) are generated as one batch.
 */
import type { Backend } from '../../backend/backend.js';
import { BatchItemFailure, GenerationBatcher } from '../../generate/batcher.js';
import {
  type GenerateOptions,
  type GenerationRequest,
  type GenerationResult,
  generate,
} from '../../generate/generate.js';
import type { ImagePreprocessorOptions } from '../../vision/preprocess.js';
import { loadLlava } from './folder.js';
import type { LlavaForConditionalGeneration } from './modeling.js';
import { type ChatTurn, LlavaProcessor } from './processor.js';

export type ChatGenerationOptions = Omit<
  GenerateOptions,
  'tokenizer' | 'eosTokenIds' | 'padTokenId' | 'suppressTokenIds' | 'useCache'
>;

export interface LlavaChatOptions {
  generation?: ChatGenerationOptions;
  /** Largest batch of concurrent calls (default 16). */
  maxBatch?: number;
  backend?: Backend;
  images?: ImagePreprocessorOptions;
}

export interface ChatPrompt {
  messages: readonly ChatTurn[];
  /** One image file per `<image>` / image part, in order. */
  images: readonly string[];
  /** Sampling seed of this prompt. */
  seed?: number;
}

export class LlavaChat {
  private readonly batcher: GenerationBatcher<ChatPrompt, GenerationResult>;

  constructor(
    readonly model: LlavaForConditionalGeneration,
    readonly processor: LlavaProcessor,
    readonly options: LlavaChatOptions = {},
  ) {
    const tokenizer = processor.tokenizer;
    const eos = tokenizer.eosTokenId;
    const generation: GenerateOptions = {
      ...options.generation,
      tokenizer,
      eosTokenIds: eos === undefined ? [] : [eos],
      padTokenId: tokenizer.padTokenId ?? eos ?? 0,
      suppressTokenIds: [processor.imageTokenId],
    };
    this.batcher = new GenerationBatcher((prompts) => this.run(prompts, generation), { maxBatch: options.maxBatch });
  }

  /** Prepares every prompt of a batch (images decoded in parallel) and generates for those that could be. */
  private async run(
    prompts: ChatPrompt[],
    generation: GenerateOptions,
  ): Promise<(GenerationResult | BatchItemFailure)[]> {
    const prepared = await Promise.allSettled(prompts.map((p) => this.prepare(p)));
    const ready = prepared.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []));
    const results = await generate(this.model, ready, generation);
    let next = 0;
    return prepared.map((p) => (p.status === 'fulfilled' ? results[next++]! : new BatchItemFailure(p.reason)));
  }

  private async prepare(prompt: ChatPrompt): Promise<GenerationRequest> {
    const text = this.processor.applyChatTemplate(prompt.messages, true);
    const { ids, pixelValues } = await this.processor.process(text, prompt.images);
    return { ids, pixelValues, seed: prompt.seed };
  }

  static async fromFolder(dir: string, options: LlavaChatOptions = {}): Promise<LlavaChat> {
    const processor = LlavaProcessor.fromFolder(dir, options.images);
    const { model } = await loadLlava(dir, { backend: options.backend });
    return new LlavaChat(model, processor, options);
  }

  /** The assistant's reply to `prompt`; calls made together are generated as one batch. */
  respond(prompt: ChatPrompt): Promise<GenerationResult> {
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
