import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Observation } from '../sim/observation.js';
import type { Screenshot } from '../sim/screenshots.js';
import type { ActOptions, Agent } from './agent.js';
import { ConcurrencyLimiter } from './limiter.js';
import { dataUrl, type OpenAiMessage, toOpenAiMessages } from './openai-messages.js';

export interface HttpAgentOptions {
  /** The server's OpenAI base URL, e.g. `http://127.0.0.1:8000/v1` (vLLM); `/chat/completions` is appended. */
  baseUrl: string;
  /** The served model name (vLLM: `--served-model-name`, or the model path). */
  model: string;
  /** Name of the environment variable holding the API key (sent as `Authorization: Bearer ...`). */
  apiKeyEnv?: string;
  /** The key itself, for programmatic use; `apiKeyEnv` is preferred so keys stay out of argv and logs. */
  apiKey?: string;
  /** Default 0: GE-Lab evaluates with greedy decoding. */
  temperature?: number;
  /** Default 256: a GE-Lab answer is well under 100 tokens, a thinking model may need more. */
  maxTokens?: number;
  /** Per attempt, default 60 s. */
  timeoutMs?: number;
  /** Extra attempts after a failure that may pass (timeout, network, 408/409/425/429/5xx, malformed body). Default 3. */
  retries?: number;
  /** First backoff delay, doubled each retry (with jitter), default 1000 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Requests in flight at once, default 8. */
  concurrency?: number;
  /** Extra request fields, e.g. `{ top_k: 8 }` for vLLM sampling. */
  extraBody?: Record<string, unknown>;
  /**
   * Replies are read up to this many bytes, default 1 MiB (a chat completion of a few hundred
   * tokens is a few KiB); a longer one is cut there and counts as a failed call.
   */
  maxReplyBytes?: number;
}

export const DEFAULT_MAX_REPLY_BYTES = 1 << 20;

/** A call failed for good: after its retries, or at once for errors a retry cannot fix (401, 404, ...). */
export class AgentCallError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'AgentCallError';
  }
}

/** One failed attempt; `retryable` says whether another attempt may succeed. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const ChatCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.union([z.string(), z.array(z.union([TextPart, z.looseObject({})]))]).nullish(),
        }),
      }),
    )
    .min(1),
});

/**
 * An agent served behind an OpenAI-compatible chat-completions endpoint (vLLM, SGLang, TGI,
 * OpenAI, ...). Prompts come from the observation (data-gen's prompt builder); the screenshot
 * goes as a base64 data URL in place of `<image>`.
 */
export class HttpAgent implements Agent {
  readonly name: string;
  private readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly limiter: ConcurrencyLimiter;
  private readonly settings: Required<
    Pick<
      HttpAgentOptions,
      'temperature' | 'maxTokens' | 'timeoutMs' | 'retries' | 'backoffMs' | 'maxBackoffMs' | 'maxReplyBytes'
    >
  >;
  private readonly urlCache = new WeakMap<Screenshot, Promise<string>>();

  constructor(private readonly options: HttpAgentOptions) {
    const base = URL.canParse(options.baseUrl) ? new URL(options.baseUrl) : undefined;
    if (!base || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
      throw new Error(`base URL "${options.baseUrl}" is not an http(s) URL (expected e.g. http://127.0.0.1:8000/v1)`);
    }
    if (!options.model) throw new Error('the HTTP agent needs a model name');
    this.url = `${base.href.replace(/\/+$/, '')}/chat/completions`;
    this.apiKey = options.apiKey ?? readApiKey(options.apiKeyEnv);
    this.settings = {
      temperature: options.temperature ?? 0,
      maxTokens: options.maxTokens ?? 256,
      timeoutMs: options.timeoutMs ?? 60_000,
      retries: options.retries ?? 3,
      backoffMs: options.backoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      maxReplyBytes: options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES,
    };
    this.limiter = new ConcurrencyLimiter(options.concurrency ?? 8);
    this.name = `http:${options.model}`;
  }

  async act(observation: Observation, options: ActOptions): Promise<string> {
    const images =
      observation.screenshot && observation.mode !== 'text' ? [await this.imageUrl(observation.screenshot)] : [];
    const body = this.requestBody(toOpenAiMessages(observation.messages, images), options.seed + observation.step);
    return this.post(body, options.signal);
  }

  /** The JSON body sent for a prompt (exposed for tests and dry runs). */
  requestBody(messages: OpenAiMessage[], seed?: number): Record<string, unknown> {
    const { temperature, maxTokens } = this.settings;
    return {
      model: this.options.model,
      messages,
      temperature,
      max_tokens: maxTokens,
      // Sampling is reproducible per episode and step on servers that honour `seed` (vLLM, OpenAI).
      ...(temperature > 0 && seed !== undefined ? { seed } : {}),
      ...this.options.extraBody,
    };
  }

  private imageUrl(shot: Screenshot): Promise<string> {
    let url = this.urlCache.get(shot);
    if (!url) {
      url = shot.bytes().then((bytes) => dataUrl(shot.mimeType, bytes));
      url.catch(() => this.urlCache.delete(shot));
      this.urlCache.set(shot, url);
    }
    return url;
  }

  private async post(body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<string> {
    const { retries, backoffMs, maxBackoffMs } = this.settings;
    const json = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limiter.run(() => this.attempt(json, signal));
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        const failure = err instanceof AttemptError ? err : new AttemptError(String(err), false);
        const attempts = attempt + 1;
        if (!failure.retryable) throw new AgentCallError(`POST ${this.url}: ${failure.message}`, attempts);
        if (attempt >= retries) {
          throw new AgentCallError(
            `POST ${this.url}: ${failure.message} (gave up after ${attempts} attempts)`,
            attempts,
          );
        }
        const exponential = Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
        // Equal jitter: concurrent episodes that failed together do not all retry together.
        const delay = failure.retryAfterMs ?? exponential / 2 + (Math.random() * exponential) / 2;
        await sleep(Math.min(delay, maxBackoffMs), undefined, { signal });
      }
    }
  }

  private async attempt(json: string, signal: AbortSignal | undefined): Promise<string> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let text: string;
    let status: number;
    let retryAfter: string | null;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers,
        body: json,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await readLimited(response, this.settings.maxReplyBytes);
    } catch (err) {
      if (err instanceof AttemptError) throw err;
      if (timeout.aborted) throw new AttemptError(`no answer within ${this.settings.timeoutMs} ms`, true);
      const cause = (err as Error & { cause?: Error }).cause;
      throw new AttemptError(`request failed (${cause?.message ?? (err as Error).message})`, true);
    }
    if (status < 200 || status > 299) {
      const retryable = status >= 500 || RETRYABLE_STATUS.has(status);
      throw new AttemptError(`HTTP ${status}: ${errorMessage(text)}`, retryable, parseRetryAfter(retryAfter));
    }
    return parseCompletion(text);
  }
}

/**
 * The body as text, read up to `limit` bytes: a server that streams without end (or sends a huge
 * page) costs no more memory than that. A longer body is cut there and the attempt fails.
 */
async function readLimited(response: Response, limit: number): Promise<string> {
  const tooLong = () => {
    const shown = limit >= 1 << 20 ? `${limit / (1 << 20)} MiB` : `${limit} bytes`;
    return new AttemptError(`reply longer than ${shown} (cut there; a chat completion is a few KiB)`, false);
  };
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw tooLong();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    // Leaving the loop cancels the stream (the iterator's return()), so the rest is never read.
    if (size > limit) throw tooLong();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readApiKey(envName: string | undefined): string | undefined {
  if (!envName) return undefined;
  const value = process.env[envName];
  if (!value) throw new Error(`--api-key-env ${envName}: environment variable ${envName} is not set or empty`);
  return value;
}

/** The text of the first choice; a body that is not a chat completion is a (retryable) failure. */
function parseCompletion(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AttemptError(`response is not JSON: ${snippet(text)}`, true);
  }
  const parsed = ChatCompletion.safeParse(json);
  if (!parsed.success) throw new AttemptError(`response is not a chat completion: ${snippet(text)}`, true);
  const content = parsed.data.choices[0]?.message.content;
  if (content === null || content === undefined) throw new AttemptError('response has no message content', true);
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

/** OpenAI sends `{error: {message}}`, vLLM `{message}`; otherwise show the start of the body. */
function errorMessage(text: string): string {
  try {
    const json = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message =
      typeof json.error === 'object' && json.error ? json.error.message : (json.error ?? json.message ?? undefined);
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return snippet(text);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat || '(empty body)';
}

/** `Retry-After` in seconds (dates are rare from model servers and are ignored). */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
