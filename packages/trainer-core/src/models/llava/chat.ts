/**
 * A LLaVA model folder as a prompt-in, text-out responder: renders the chat template, expands
 * and preprocesses the images, and generates with the folder's end and pad tokens
 * (generation_config.json, else the tokenizer's). Calls that arrive together (several simulator
 * episodes asking at once) are generated as one batch.
 */
import { BatchedChat, type ChatOptions, type ChatPrompt, type ChatTokens } from '../../generate/chat.js';
import type { GenerationRequest } from '../../generate/generate.js';
import type { ImagePreprocessorOptions } from '../../vision/preprocess.js';
import type { LoadModelOptions } from '../load.js';
import { loadLlava } from './load.js';
import type { LlavaForConditionalGeneration } from './modeling.js';
import { LlavaProcessor } from './processor.js';

export interface LlavaChatOptions extends ChatOptions, Pick<LoadModelOptions, 'backend' | 'label'> {
  images?: ImagePreprocessorOptions;
}

export class LlavaChat extends BatchedChat {
  declare readonly model: LlavaForConditionalGeneration;

  constructor(
    model: LlavaForConditionalGeneration,
    readonly processor: LlavaProcessor,
    options: ChatOptions = {},
    tokens: ChatTokens = {},
  ) {
    super(model, processor.tokenizer, options, tokens, [processor.imageTokenId]);
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

  protected async prepare(prompt: ChatPrompt): Promise<Omit<GenerationRequest, 'seed' | 'options'>> {
    const text = this.processor.applyChatTemplate(prompt.messages, true);
    return this.processor.process(text, prompt.images);
  }
}
