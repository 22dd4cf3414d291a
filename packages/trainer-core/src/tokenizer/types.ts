/**
 * The tokenizer every model in guinav speaks through: Hugging Face `tokenizer.json` models, with
 * the special tokens and chat template of their folder. The trainer, generation and the built-in
 * VLM use only this interface, never the library behind it.
 */

/** One part of a multi-modal message (`{"type": "text", "text": ...}`, `{"type": "image"}`). */
export interface ChatContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** A message in the Hugging Face chat format; extra keys (tool_calls, name) reach the template. */
export interface ChatMessage {
  role: string;
  content: string | readonly ChatContentPart[] | null;
  [key: string]: unknown;
}

export interface ChatTemplateOptions {
  /** Append the tokens that open an assistant turn (transformers' add_generation_prompt). */
  addGenerationPrompt?: boolean;
  /** Tool (function) schemas, passed to the template as `tools`. */
  tools?: readonly unknown[];
  /** Retrieval documents, passed as `documents`. */
  documents?: readonly unknown[];
  /** Further template variables (transformers' **kwargs), e.g. `{ enable_thinking: false }`. */
  variables?: Readonly<Record<string, unknown>>;
  /**
   * Which of several named templates: default `tool_use` when tools are given and the tokenizer
   * has one, else `default` (as transformers picks).
   */
  template?: string;
}

export interface SpecialToken {
  readonly content: string;
  readonly id: number;
}

/** The roles tokenizer_config.json gives tokens, each resolved to its id. */
export interface SpecialTokens {
  readonly bos?: SpecialToken;
  readonly eos?: SpecialToken;
  readonly unk?: SpecialToken;
  readonly pad?: SpecialToken;
  /** `additional_special_tokens`. */
  readonly additional: readonly SpecialToken[];
}

export interface EncodeOptions {
  /** Add what the post-processor adds (BOS for Llama and Gemma); default true, as transformers. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}

/** The files a tokenizer is saved as, by name, with their exact text. */
export type TokenizerFiles = Readonly<Record<string, string>>;

export interface Tokenizer {
  /** Ids in use, added tokens included (transformers' `len(tokenizer)`): the largest id + 1. */
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokens;
  /** Names of its chat templates (`default` for a single one); empty when it has none. */
  readonly chatTemplates: readonly string[];
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: readonly number[], options?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** The rendered prompt (transformers' apply_chat_template with tokenize=False). */
  applyChatTemplate(messages: readonly ChatMessage[], options?: ChatTemplateOptions): string;
  /** The prompt's ids: rendered, then encoded without adding special tokens (the template has them). */
  encodeChat(messages: readonly ChatMessage[], options?: ChatTemplateOptions): number[];
  /** tokenizer.json, tokenizer_config.json and chat_template.jinja as they are to be saved. */
  files(): TokenizerFiles;
}
