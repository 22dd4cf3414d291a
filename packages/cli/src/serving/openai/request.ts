/**
 * The chat-completions request guinav serves (OpenAI's fields, as vLLM also reads them), checked
 * with zod: a bad field is a 400 naming it, as OpenAI answers. Messages become ms-swift style
 * turns (`<image>` where each image part was, the text parts around it), the form the datasets
 * and so the model's training prompts have.
 */
import { IMAGE_TOKEN } from '@guinav/data-gen';
import type { RowGenerationOptions } from '@guinav/trainer-core';
import { z } from 'zod';

/** An error answered as OpenAI answers it: `{error: {message, type, param, code}}` with an HTTP status. */
export class OpenAiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  body() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const ImagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), z.looseObject({ url: z.string(), detail: z.string().optional() })]),
});
const Part = z.discriminatedUnion('type', [TextPart, ImagePart], {
  error: (issue) =>
    `expected a content part of type "text" or "image_url"${issue.input && typeof issue.input === 'object' && 'type' in issue.input ? `, got "${String((issue.input as { type: unknown }).type)}"` : ''}`,
});
const Message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant'], {
    error: (issue) => `expected one of system, developer, user, assistant, got ${JSON.stringify(issue.input)}`,
  }),
  content: z.union([z.string(), z.array(Part)]).nullable(),
});

export interface RequestLimits {
  /** Largest `max_tokens` a request may ask for. */
  maxTokens: number;
  /** New tokens when the request names none. */
  defaultMaxTokens: number;
  /** Images one request may carry. */
  maxImages: number;
}

function requestSchema(limits: RequestLimits) {
  const maxTokens = z.number().int().min(1).max(limits.maxTokens);
  return z.looseObject({
    model: z.string().optional(),
    messages: z.array(Message).min(1),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    /** vLLM's extra: -1 or 0 = all tokens. */
    top_k: z.number().int().min(-1).nullish(),
    max_tokens: maxTokens.nullish(),
    max_completion_tokens: maxTokens.nullish(),
    stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullish(),
    seed: z.number().int().nullish(),
    n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
    stream: z.literal(false, { error: 'streaming is not supported; send "stream": false' }).nullish(),
  });
}

export interface ParsedRequest {
  model?: string;
  /** Turns with `<image>` at each image part, in order. */
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  /** The image URLs, in placeholder order. */
  imageUrls: string[];
  generation: RowGenerationOptions;
  seed?: number;
}

/** Checks a parsed JSON body; throws an OpenAiError (400) naming the first bad field. */
export function parseChatRequest(body: unknown, limits: RequestLimits): ParsedRequest {
  const parsed = requestSchema(limits).safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p)))
      .join('');
    throw new OpenAiError(400, `${param || 'body'}: ${issue.message}`, 'invalid_request_error', param || null);
  }
  const r = parsed.data;
  const imageUrls: string[] = [];
  const messages = r.messages.map((m, i) => {
    const role = m.role === 'developer' ? 'system' : m.role;
    if (typeof m.content === 'string' || m.content === null) {
      const content = m.content ?? '';
      if (content.includes(IMAGE_TOKEN)) {
        throw new OpenAiError(
          400,
          `messages[${i}].content: contains the placeholder ${IMAGE_TOKEN}; send images as image_url parts`,
          'invalid_request_error',
          `messages[${i}].content`,
        );
      }
      return { role, content };
    }
    const content = m.content
      .map((part) => {
        if (part.type === 'text') return part.text;
        imageUrls.push(typeof part.image_url === 'string' ? part.image_url : part.image_url.url);
        return IMAGE_TOKEN;
      })
      .join('');
    return { role, content };
  });
  if (imageUrls.length > limits.maxImages) {
    throw new OpenAiError(400, `messages: ${imageUrls.length} images; at most ${limits.maxImages} per request`);
  }
  if (messages.at(-1)?.role === 'assistant') {
    throw new OpenAiError(
      400,
      "messages: the last message is the assistant's; end with a user turn",
      'invalid_request_error',
      'messages',
    );
  }
  const topK = r.top_k ?? undefined;
  const stop = typeof r.stop === 'string' ? [r.stop] : (r.stop ?? undefined);
  return {
    model: r.model,
    messages,
    imageUrls,
    generation: {
      temperature: r.temperature ?? undefined,
      topP: r.top_p ?? undefined,
      topK: topK !== undefined && topK > 0 ? topK : undefined,
      maxNewTokens: r.max_completion_tokens ?? r.max_tokens ?? limits.defaultMaxTokens,
      stopStrings: stop,
    },
    seed: r.seed ?? undefined,
  };
}
