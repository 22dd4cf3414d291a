/**
 * What transformers' LlavaProcessor does, for guinav: render the chat template, expand each
 * `<image>` to the vision tower's feature count, tokenize, and preprocess the images. Reads a
 * model folder's tokenizer.json, tokenizer_config.json, chat_template.jinja (or the template in
 * tokenizer_config.json), processor_config.json and preprocessor_config.json.
 *
 * The tokenizer here is a small stand-in for the model-folder Tokenizer of issue 10 section 1
 * (src/tokenizer/): encode, decode and the special ids generation needs, on @huggingface/tokenizers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { z } from 'zod';
import { parseImageProcessorConfig } from '../../vision/image-processor-config.js';
import { ImagePreprocessor, type ImagePreprocessorOptions } from '../../vision/preprocess.js';
import { configError, parseConfigJson } from '../config-common.js';

/** A chat turn: text, or parts in transformers' processor format. */
export interface ChatTurn {
  role: string;
  content: string | readonly ({ type: 'image' } | { type: 'text'; text: string })[];
}

export function renderChatTemplate(
  template: string,
  messages: readonly ChatTurn[],
  options: { addGenerationPrompt?: boolean; variables?: Record<string, unknown> } = {},
): string {
  return new Template(template).render({
    ...options.variables,
    messages,
    add_generation_prompt: options.addGenerationPrompt ?? false,
  });
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

const tokenName = z.union([z.string(), z.object({ content: z.string() }).loose()]).nullish();

const TokenizerConfigSchema = z
  .object({
    eos_token: tokenName,
    pad_token: tokenName,
    chat_template: z.string().nullish(),
  })
  .loose();

const nameOf = (t: z.infer<typeof tokenName>) => (typeof t === 'string' ? t : (t?.content ?? undefined));

/** Encode/decode over a folder's tokenizer.json, with the ids generation needs. */
export class FolderTokenizer {
  readonly eosTokenId: number | undefined;
  readonly padTokenId: number | undefined;

  constructor(
    private readonly tokenizer: Tokenizer,
    readonly chatTemplate: string | undefined,
    eos: string | undefined,
    pad: string | undefined,
  ) {
    this.eosTokenId = eos === undefined ? undefined : this.tokenToId(eos);
    this.padTokenId = pad === undefined ? undefined : this.tokenToId(pad);
  }

  static fromFolder(dir: string): FolderTokenizer {
    const json = readJson(path.join(dir, 'tokenizer.json'));
    const configFile = path.join(dir, 'tokenizer_config.json');
    const config = fs.existsSync(configFile)
      ? parseConfigJson(TokenizerConfigSchema, readJson(configFile), configFile)
      : parseConfigJson(TokenizerConfigSchema, {}, configFile);
    const templateFile = path.join(dir, 'chat_template.jinja');
    const template = fs.existsSync(templateFile) ? fs.readFileSync(templateFile, 'utf8') : config.chat_template;
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json as object, config);
    } catch (err) {
      throw new Error(`${path.join(dir, 'tokenizer.json')}: not a tokenizer the tokenizers library reads (${err})`);
    }
    return new FolderTokenizer(tokenizer, template ?? undefined, nameOf(config.eos_token), nameOf(config.pad_token));
  }

  tokenToId(token: string): number {
    const id = this.tokenizer.token_to_id(token);
    if (id === undefined) throw new Error(`tokenizer: no token ${JSON.stringify(token)}`);
    return id;
  }

  /** Token ids of text (special tokens written in it are recognised; nothing is added). */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }
}

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

/** One supervised example: the prompt and answer as ids, and next-token labels on the answer only. */
export interface SupervisedExample extends ProcessedPrompt {
  /** labels[t] = ids[t + 1] where that token belongs to the answer (its end token included), else -100. */
  labels: number[];
  /** Prompt tokens (the answer starts at this index). */
  promptLength: number;
}

export class LlavaProcessor {
  readonly imageToken: string;
  readonly imageTokenId: number;
  /** Tokens each `<image>` becomes. */
  readonly tokensPerImage: number;

  constructor(
    readonly tokenizer: FolderTokenizer,
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
    this.imageTokenId = tokenizer.tokenToId(config.image_token);
  }

  static fromFolder(dir: string, options: ImagePreprocessorOptions = {}): LlavaProcessor {
    const source = path.join(dir, 'processor_config.json');
    const config = parseConfigJson(ProcessorConfigSchema, readJson(source), source);
    const preSource = path.join(dir, 'preprocessor_config.json');
    const images = new ImagePreprocessor(parseImageProcessorConfig(readJson(preSource), preSource), options);
    return new LlavaProcessor(FolderTokenizer.fromFolder(dir), images, config, source);
  }

  applyChatTemplate(messages: readonly ChatTurn[], addGenerationPrompt = true): string {
    const template = this.tokenizer.chatTemplate;
    if (!template) throw new Error('processor: the model folder has no chat template (chat_template.jinja)');
    return renderChatTemplate(template, messages, { addGenerationPrompt });
  }

  /** Token ids of `text`, each image placeholder expanded to the vision tower's feature count. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text.split(this.imageToken).join(this.imageToken.repeat(this.tokensPerImage)));
  }

  /**
   * A training example: the prompt turns rendered with the generation prompt, then the answer and
   * the end token, tokenized exactly as generation sees them; the loss covers the answer only.
   */
  async supervisedExample(
    messages: readonly ChatTurn[],
    answer: string,
    imageFiles: readonly string[] = [],
  ): Promise<SupervisedExample> {
    const eos = this.tokenizer.eosTokenId;
    if (eos === undefined) throw new Error('processor: the tokenizer has no eos_token to end the answer with');
    const prompt = await this.process(this.applyChatTemplate(messages, true), imageFiles);
    const ids = [...prompt.ids, ...this.tokenizer.encode(answer), eos];
    const labels = ids.map((_, t) => (t + 1 >= prompt.ids.length && t + 1 < ids.length ? ids[t + 1]! : -100));
    return { ...prompt, ids, labels, promptLength: prompt.ids.length };
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
}
