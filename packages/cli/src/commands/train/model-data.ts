/**
 * How a loaded model meets training data: a text model (Llama, Qwen2, Gemma 3) tokenizes records
 * through its chat template; a vision-language model (LLaVA, the built-in VLM) also expands each
 * `<image>` and reads the screenshots when a batch is built. Both give the same three things: SFT
 * batches, preference batches and a logits function, so the session code does not branch.
 */
import {
  collatePreference,
  collateVisionPreference,
  type PreferenceBatch,
  type PreferenceCollateOptions,
  type PreferenceExample,
  type VisionPreferenceExample,
} from '@guinav/dpo';
import {
  type CausalLMBatch,
  causalLMLogits,
  collateCausalLM,
  collateVisionExamples,
  LlavaChat,
  type LlavaChatOptions,
  LlavaForConditionalGeneration,
  LlavaProcessor,
  type LoadedModel,
  loadPixels,
  messageText,
  type PreferencePair,
  type PromptCompletion,
  type Tensor,
  TextChat,
  type TokenizedExample,
  type Tokenizer,
  tokenizePreference,
  tokenizePromptCompletion,
  type VisionLMBatch,
  type VisionTokenExample,
  visionLMLogits,
  visionSftExample,
} from '@guinav/trainer-core';
import { chatPrompt, type TextTurn } from '../../serving/local-model.js';

export interface ModelData {
  readonly kind: 'text' | 'vision';
  sftExample(record: PromptCompletion): TokenizedExample;
  collateSft(examples: TokenizedExample[], maxLength: number | null): CausalLMBatch | Promise<CausalLMBatch>;
  preferenceExample(pair: PreferencePair): PreferenceExample;
  collatePreference(
    examples: PreferenceExample[],
    options: Omit<PreferenceCollateOptions, 'padId'>,
  ): PreferenceBatch | Promise<PreferenceBatch>;
  logits(model: LoadedModel['model']): (batch: CausalLMBatch) => Tensor;
  /** Replies of the model in memory (the one being trained) to chat prompts, generated in batches. */
  responder(model: LoadedModel['model'], options: ChatOptions): Responder;
}

/** A chat prompt in, the model's reply out; calls made together are generated as one batch. */
/** A dataset prompt: text turns (with `<image>` placeholders) and their screenshots. */
export interface ResponderPrompt {
  messages: readonly TextTurn[];
  images: readonly string[];
  seed?: number;
}
export type Responder = (prompt: ResponderPrompt) => Promise<string>;
export type ChatOptions = Pick<LlavaChatOptions, 'generation' | 'maxBatch'>;

function textData(loaded: LoadedModel, tokenizer: Tokenizer, padId: number): ModelData {
  const refuseImages = (r: { images: readonly string[]; where: string }) => {
    if (r.images.length > 0) {
      throw new Error(
        `${r.where}: the record has images, but --model ${loaded.dir} is a text model; ` +
          'train a vision-language model on image records, or give it text observations',
      );
    }
  };
  return {
    kind: 'text',
    sftExample: (r) => {
      refuseImages(r);
      return tokenizePromptCompletion(tokenizer, r);
    },
    collateSft: (es, maxLength) => collateCausalLM(es, { padId, maxLength }),
    preferenceExample: (p) => {
      refuseImages(p);
      return tokenizePreference(tokenizer, p);
    },
    collatePreference: (es, o) => collatePreference(es, { ...o, padId }),
    logits: (model) => causalLMLogits(model),
    responder: (model, options) => {
      const chat = new TextChat(model, tokenizer, options, loaded.generation);
      const modelType = model.config.modelType;
      return async (p) =>
        (await chat.respond({ ...p, ...chatPrompt(false, modelType, p.messages, p.images) })).text ?? '';
    },
  };
}

function visionData(loaded: LoadedModel, tokenizer: Tokenizer, padId: number): ModelData {
  const processor = LlavaProcessor.fromFolder(loaded.dir, { tokenizer });
  return {
    kind: 'vision',
    sftExample: (r) => visionSftExample(processor, r),
    // Images come first in the prompt: cutting sequences keeps their start.
    collateSft: (es, maxLength) => collateVisionExamples(processor, es as VisionTokenExample[], { padId, maxLength }),
    preferenceExample: (p): VisionPreferenceExample => {
      if (p.chosen.length !== 1 || p.rejected.length !== 1)
        throw new Error(`${p.where}: expected one chosen and one rejected answer`);
      return {
        prompt: Int32Array.from(processor.promptIds(p.prompt)),
        chosen: Int32Array.from(processor.answerIds(messageText(p.chosen[0]!, p.where))),
        rejected: Int32Array.from(processor.answerIds(messageText(p.rejected[0]!, p.where))),
        images: p.images,
      };
    },
    collatePreference: (es, o) =>
      collateVisionPreference(
        es as VisionPreferenceExample[],
        { ...o, padId, maxPromptLength: null, truncationMode: 'keep_start' },
        (lists) => loadPixels(processor, lists),
      ),
    logits: (model) => visionLMLogits(model as LlavaForConditionalGeneration) as (b: CausalLMBatch) => Tensor,
    responder: (model, options) => {
      const chat = new LlavaChat(model as LlavaForConditionalGeneration, processor, options, loaded.generation);
      return async (p) => (await chat.respond({ ...p, ...chatPrompt(true, 'llava', p.messages, p.images) })).text ?? '';
    },
  };
}

export function modelData(loaded: LoadedModel, tokenizer: Tokenizer): ModelData {
  const padId =
    tokenizer.specialTokens.pad?.id ?? loaded.generation.padTokenId ?? loaded.generation.eosTokenIds[0] ?? 0;
  return loaded.model instanceof LlavaForConditionalGeneration
    ? visionData(loaded, tokenizer, padId)
    : textData(loaded, tokenizer, padId);
}

export type { VisionLMBatch };
