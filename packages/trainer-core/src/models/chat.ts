/**
 * Any model folder guinav runs, as a chat responder: a LLaVA folder (images through its
 * processor) or a text decoder (its tokenizer's chat template), optionally with a PEFT LoRA
 * adapter merged into the weights, so inference costs what the base model costs.
 */
import { type ChatOptions, TextChat } from '../generate/chat.js';
import type { ImagePreprocessorOptions } from '../vision/preprocess.js';
import { addAdapter } from './adapter.js';
import { LlavaChat } from './llava/chat.js';
import { LlavaForConditionalGeneration } from './llava/modeling.js';
import { LlavaProcessor } from './llava/processor.js';
import { type LoadedModel, type LoadModelOptions, loadModel } from './load.js';

export interface LoadChatOptions extends ChatOptions, Pick<LoadModelOptions, 'backend' | 'label' | 'onTensor'> {
  /** A PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors) for this model. */
  adapter?: string;
  /** Names the adapter argument in errors (default `adapter`; the CLI passes `--adapter`). */
  adapterLabel?: string;
  images?: ImagePreprocessorOptions;
}

export interface LoadedChat {
  chat: LlavaChat | TextChat;
  /** True for a vision-language model (prompts may carry images). */
  vision: boolean;
  loaded: LoadedModel;
}

/**
 * Loads `dir` (and `adapter`) as a chat responder. An adapter's module paths go through the
 * family's checkpoint-key map, so adapters saved on either transformers layout of a family load.
 */
export async function loadChat(dir: string, options: LoadChatOptions = {}): Promise<LoadedChat> {
  const loaded = await loadModel(dir, { backend: options.backend, label: options.label, onTensor: options.onTensor });
  const { model } = loaded;
  try {
    if (!loaded.tokenizer) {
      throw new Error(`${options.label ?? 'model'} ${dir}: no tokenizer.json; a chat needs the model's tokenizer`);
    }
    if (options.adapter !== undefined)
      addAdapter(loaded, options.adapter, { label: options.adapterLabel, merge: true });
    if (model instanceof LlavaForConditionalGeneration) {
      const processor = LlavaProcessor.fromFolder(dir, { images: options.images, tokenizer: loaded.tokenizer });
      return { chat: new LlavaChat(model, processor, options, loaded.generation), vision: true, loaded };
    }
    return { chat: new TextChat(model, loaded.tokenizer, options, loaded.generation), vision: false, loaded };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
