/**
 * A Hugging Face fast tokenizer (`tokenizer.json`) run by @huggingface/tokenizers, with the special
 * tokens and chat templates of its tokenizer_config.json / chat_template.jinja.
 */
import { Tokenizer as Library } from '@huggingface/tokenizers';
import { z } from 'zod';
import { ChatTemplates } from './chat-template.js';
import type {
  ChatMessage,
  ChatTemplateOptions,
  DecodeOptions,
  EncodeOptions,
  SpecialToken,
  SpecialTokens,
  Tokenizer,
  TokenizerFiles,
} from './types.js';

/** A token in tokenizer_config.json: a string or an AddedToken object (`{"content": ...}`). */
const tokenValue = z.union([z.string(), z.object({ content: z.string() }).loose()]);

export const TokenizerConfigSchema = z
  .object({
    bos_token: tokenValue.nullish(),
    eos_token: tokenValue.nullish(),
    unk_token: tokenValue.nullish(),
    pad_token: tokenValue.nullish(),
    additional_special_tokens: z.array(tokenValue).nullish(),
    chat_template: z.union([z.string(), z.array(z.object({ name: z.string(), template: z.string() }))]).nullish(),
    clean_up_tokenization_spaces: z.boolean().nullish(),
  })
  .loose();

export type TokenizerConfig = z.output<typeof TokenizerConfigSchema>;

/** The parts of tokenizer.json the library needs, checked so a wrong file fails with its name. */
const TokenizerJsonSchema = z
  .object({
    model: z.object({ type: z.string().optional() }).loose(),
    added_tokens: z.array(
      z.object({ id: z.number().int().nonnegative(), content: z.string(), special: z.boolean() }).loose(),
    ),
    normalizer: z.unknown(),
    pre_tokenizer: z.unknown(),
    post_processor: z.unknown(),
    decoder: z.unknown(),
  })
  .loose();

function formatIssue(source: string, error: z.ZodError): string {
  const i = error.issues[0]!;
  return `${source}: field "${i.path.join('.') || '(root)'}": ${i.message}`;
}

const content = (v: z.output<typeof tokenValue>) => (typeof v === 'string' ? v : v.content);

const ROLES = ['bos', 'eos', 'unk', 'pad'] as const;

export interface HfTokenizerSpec {
  /** tokenizer.json, parsed. */
  tokenizer: unknown;
  /** tokenizer_config.json, parsed (special tokens, chat_template, decoding settings). */
  config?: unknown;
  /** A chat template that overrides the config's (chat_template.jinja). */
  chatTemplate?: string;
  /** The files to save, by name, with their exact text. */
  files: TokenizerFiles;
  /** Names the tokenizer's folder or files in errors. */
  source: string;
}

export class HfTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokens;
  private readonly library: Library;
  private readonly templates: ChatTemplates;
  private readonly templateTokens: Record<string, unknown>;
  private readonly savedFiles: TokenizerFiles;

  constructor(spec: HfTokenizerSpec) {
    const json = TokenizerJsonSchema.safeParse(spec.tokenizer);
    if (!json.success) throw new Error(formatIssue(`${spec.source}/tokenizer.json`, json.error));
    const parsed = TokenizerConfigSchema.safeParse(spec.config ?? {});
    if (!parsed.success) throw new Error(formatIssue(`${spec.source}/tokenizer_config.json`, parsed.error));
    const config = parsed.data;
    const additional = (config.additional_special_tokens ?? []).map(content);
    try {
      this.library = new Library(spec.tokenizer as object, {
        ...config,
        additional_special_tokens: additional,
        // transformers' default since 4.45 (the library's own default is true).
        clean_up_tokenization_spaces: config.clean_up_tokenization_spaces ?? false,
      });
    } catch (err) {
      throw new Error(`${spec.source}/tokenizer.json: cannot build the tokenizer (${(err as Error).message})`);
    }
    let maxId = -1;
    for (const id of this.library.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;

    const resolve = (key: string, token: string): SpecialToken => {
      const id = this.library.token_to_id(token);
      if (id === undefined) {
        throw new Error(`${spec.source}/tokenizer_config.json: field "${key}": "${token}" is not in the vocabulary`);
      }
      return { content: token, id };
    };
    const roles: Partial<Record<(typeof ROLES)[number], SpecialToken>> = {};
    this.templateTokens = { additional_special_tokens: additional };
    for (const role of ROLES) {
      const v = config[`${role}_token`];
      if (v == null) continue;
      roles[role] = resolve(`${role}_token`, content(v));
      this.templateTokens[`${role}_token`] = content(v);
    }
    this.specialTokens = {
      ...roles,
      additional: additional.map((t, i) => resolve(`additional_special_tokens.${i}`, t)),
    };

    const templates = new Map<string, string>();
    if (spec.chatTemplate !== undefined) templates.set('default', spec.chatTemplate);
    else if (typeof config.chat_template === 'string') templates.set('default', config.chat_template);
    else for (const t of config.chat_template ?? []) templates.set(t.name, t.template);
    this.templates = new ChatTemplates(templates, spec.source);
    this.savedFiles = spec.files;
  }

  get chatTemplates(): readonly string[] {
    return this.templates.names;
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.library.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (ids.length === 0) return '';
    return this.library.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  tokenToId(token: string): number | undefined {
    return this.library.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.library.id_to_token(id);
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    return this.templates.render(messages, options, this.templateTokens);
  }

  encodeChat(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): number[] {
    return this.encode(this.applyChatTemplate(messages, options), { addSpecialTokens: false });
  }

  files(): TokenizerFiles {
    return this.savedFiles;
  }
}
