/**
 * Chat templates rendered with @huggingface/jinja, as transformers' apply_chat_template does:
 * the template sees `messages`, `tools`, `documents`, `add_generation_prompt`, the special
 * tokens by role (`bos_token`, `eos_token`, ...) and any extra variables; trim_blocks and
 * lstrip_blocks are on, as in transformers' environment. Templates compile once.
 */
import { Template } from '@huggingface/jinja';
import type { ChatMessage, ChatTemplateOptions } from './types.js';

export class ChatTemplates {
  private readonly compiled = new Map<string, Template>();

  /** `templates`: name -> source (a single template is named `default`); `source` names them in errors. */
  constructor(
    private readonly templates: ReadonlyMap<string, string>,
    private readonly source: string,
  ) {}

  get names(): string[] {
    return [...this.templates.keys()];
  }

  private pick(options: ChatTemplateOptions): string {
    if (this.templates.size === 0) {
      throw new Error(
        `${this.source}: the tokenizer has no chat template (no chat_template.jinja, and no chat_template in ` +
          'tokenizer_config.json); format the prompt yourself or add a template',
      );
    }
    const wanted = options.template ?? (options.tools && this.templates.has('tool_use') ? 'tool_use' : 'default');
    if (!this.templates.has(wanted)) {
      throw new Error(`${this.source}: no chat template named "${wanted}" (it has ${this.names.join(', ')})`);
    }
    return wanted;
  }

  private template(name: string): Template {
    let t = this.compiled.get(name);
    if (!t) {
      try {
        t = new Template(this.templates.get(name)!);
      } catch (err) {
        throw new Error(`${this.source}: chat template "${name}" does not parse: ${(err as Error).message}`);
      }
      this.compiled.set(name, t);
    }
    return t;
  }

  render(
    messages: readonly ChatMessage[],
    options: ChatTemplateOptions,
    specialTokens: Readonly<Record<string, unknown>>,
  ): string {
    const name = this.pick(options);
    const template = this.template(name);
    try {
      return template.render({
        ...specialTokens,
        messages,
        add_generation_prompt: options.addGenerationPrompt ?? false,
        // transformers passes None when there are none (templates test `tools is not none`).
        tools: options.tools ?? null,
        documents: options.documents ?? null,
        ...options.variables,
      });
    } catch (err) {
      throw new Error(`${this.source}: chat template "${name}" failed: ${(err as Error).message}`);
    }
  }
}
