/**
 * What transformers' LlavaProcessor does, for guinav: render the folder's chat template, expand
 * each `<image>` to the vision tower's feature count, tokenize, and preprocess the images, from a
 * model folder's tokenizer files, processor_config.json and preprocessor_config.json.
 */
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../../io/files.js';
import { IGNORE_INDEX } from '../../ops/loss.js';
import { loadTokenizer } from '../../tokenizer/files.js';
import type { ChatMessage, Tokenizer } from '../../tokenizer/types.js';
import type { TokenizedExample } from '../../train/causal-lm-batch.js';
import { parseImageProcessorConfig } from '../../vision/image-processor-config.js';
import { ImagePreprocessor, type ImagePreprocessorOptions } from '../../vision/preprocess.js';
import { configError, parseConfigJson } from '../config-common.js';

const ProcessorConfigSchema = z
  .object({
    patch_size: z.number().int().positive().nullish(),
    vision_feature_select_strategy: z.enum(['default', 'full']).nullish(),
    image_token: z.string().default('<image>'),
    num_additional_image_tokens: z.number().int().nonnegative().default(0),
  })
  .loose();

/** processor_config.json as the tiny VLM writes it. */
export function llavaProcessorJson(patchSize: number) {
  return {
    image_token: '<image>',
    num_additional_image_tokens: 0,
    patch_size: patchSize,
    processor_class: 'LlavaProcessor',
    vision_feature_select_strategy: 'full',
  };
}

export interface ProcessedPrompt {
  /** Token ids with every `<image>` expanded. */
  ids: number[];
  /** Stacked pixel values [images, 3, H, W] (absent without images). */
  pixelValues?: { data: Float32Array; shape: [number, 3, number, number] };
}

/** One supervised example in the Trainer's layout (labels aligned with the ids; the objective shifts them). */
export interface SupervisedExample extends TokenizedExample {
  /** The example's images [n, 3, H, W] (absent without images). */
  pixelValues?: ProcessedPrompt['pixelValues'];
  /** Prompt tokens (the answer starts at this index). */
  promptLength: number;
}

export interface LlavaProcessorOptions {
  images?: ImagePreprocessorOptions;
  /** The folder's tokenizer when it is already loaded. */
  tokenizer?: Tokenizer;
}

export class LlavaProcessor {
  readonly imageToken: string;
  readonly imageTokenId: number;
  /** Tokens each `<image>` becomes. */
  readonly tokensPerImage: number;

  constructor(
    readonly tokenizer: Tokenizer,
    readonly images: ImagePreprocessor,
    config: z.output<typeof ProcessorConfigSchema>,
    source: string,
  ) {
    const { patch_size: patch, vision_feature_select_strategy: strategy } = config;
    if (!patch || !strategy) {
      throw configError(source, patch ? 'vision_feature_select_strategy' : 'patch_size', 'missing');
    }
    const { height, width } = images.config;
    this.tokensPerImage =
      Math.floor(height / patch) * Math.floor(width / patch) +
      config.num_additional_image_tokens -
      (strategy === 'default' ? 1 : 0);
    this.imageToken = config.image_token;
    const id = tokenizer.tokenToId(config.image_token);
    if (id === undefined)
      throw configError(source, 'image_token', `${config.image_token} is not a token of the tokenizer`);
    this.imageTokenId = id;
  }

  static fromFolder(dir: string, options: LlavaProcessorOptions = {}): LlavaProcessor {
    const source = path.join(dir, 'processor_config.json');
    const config = parseConfigJson(ProcessorConfigSchema, readJsonFile(source), source);
    const preSource = path.join(dir, 'preprocessor_config.json');
    const images = new ImagePreprocessor(parseImageProcessorConfig(readJsonFile(preSource), preSource), options.images);
    return new LlavaProcessor(options.tokenizer ?? loadTokenizer(dir), images, config, source);
  }

  /** The end-of-turn id answers finish with. */
  get eosTokenId(): number | undefined {
    return this.tokenizer.specialTokens.eos?.id;
  }

  applyChatTemplate(messages: readonly ChatMessage[], addGenerationPrompt = true): string {
    return this.tokenizer.applyChatTemplate(messages, { addGenerationPrompt });
  }

  /** Token ids of `text`, each image placeholder expanded to the vision tower's feature count. */
  encode(text: string): number[] {
    const expanded = text.split(this.imageToken).join(this.imageToken.repeat(this.tokensPerImage));
    return this.tokenizer.encode(expanded, { addSpecialTokens: false });
  }

  /** A rendered prompt and its images (one per placeholder, in order). */
  async process(text: string, imageFiles: readonly string[] = []): Promise<ProcessedPrompt> {
    const placeholders = text.split(this.imageToken).length - 1;
    if (placeholders !== imageFiles.length) {
      throw new Error(
        `processor: the prompt has ${placeholders} ${this.imageToken} placeholder(s) but ${imageFiles.length} image(s) were given`,
      );
    }
    const ids = this.encode(text);
    if (imageFiles.length === 0) return { ids };
    return { ids, pixelValues: await this.images.loadBatch(imageFiles) };
  }

  /** The prompt's ids: the turns rendered with the generation prompt, images expanded (no pixels read). */
  promptIds(messages: readonly ChatMessage[]): number[] {
    return this.encode(this.applyChatTemplate(messages, true));
  }

  /** An answer's ids as generation produces them: its tokens, then the end-of-turn token. */
  answerIds(answer: string): number[] {
    const eos = this.eosTokenId;
    if (eos === undefined) throw new Error('processor: the tokenizer has no eos_token to end the answer with');
    return [...this.tokenizer.encode(answer, { addSpecialTokens: false }), eos];
  }

  /**
   * A training example's ids without its pixels: the prompt tokenized exactly as generation sees
   * it, then the answer and the end token; labels on the answer and its end token, -100 on the
   * prompt (completion-only loss). The images are read when the batch is built.
   */
  supervisedIds(messages: readonly ChatMessage[], answer: string): Omit<SupervisedExample, 'pixelValues'> {
    const prompt = this.promptIds(messages);
    const inputIds = Int32Array.from([...prompt, ...this.answerIds(answer)]);
    const labels = inputIds.map((id, t) => (t < prompt.length ? IGNORE_INDEX : id));
    return { inputIds, labels, promptLength: prompt.length };
  }

  /** `supervisedIds` plus the images' pixel values. */
  async supervisedExample(
    messages: readonly ChatMessage[],
    answer: string,
    imageFiles: readonly string[] = [],
  ): Promise<SupervisedExample> {
    const placeholders = this.applyChatTemplate(messages, true).split(this.imageToken).length - 1;
    if (placeholders !== imageFiles.length) {
      throw new Error(
        `processor: the prompt has ${placeholders} ${this.imageToken} placeholder(s) but ${imageFiles.length} image(s) were given`,
      );
    }
    const example = this.supervisedIds(messages, answer);
    return imageFiles.length ? { ...example, pixelValues: await this.images.loadBatch(imageFiles) } : example;
  }
}
