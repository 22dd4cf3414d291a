/**
 * An OpenAI-compatible chat-completions server for a local checkpoint (`guinav serve`):
 * `POST /v1/chat/completions` and `GET /v1/models` (plus `GET /health`), images as base64 data
 * URLs. Requests that arrive together are generated as one batch (the model's chat batcher);
 * beyond `maxQueue` waiting requests the server answers 429 with Retry-After, which clients such
 * as eval-env's HTTP agent retry. Every error is an OpenAI-style JSON body with a 4xx/5xx status.
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChatReply, PromptError } from '@guinav/trainer-core';
import type { LocalModel } from '../local-model.js';
import { ImageStore } from './image-store.js';
import { OpenAiError, parseChatRequest, type RequestLimits } from './request.js';

export interface OpenAiServerOptions extends RequestLimits {
  model: LocalModel;
  /** The name clients send as `model` (also listed by /v1/models). */
  servedName: string;
  host: string;
  /** 0: any free port. */
  port: number;
  /** When set, requests must send `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Largest request body (JSON with base64 images), in bytes. */
  maxBodyBytes: number;
  /** Requests waiting or generating at once; more are answered 429. */
  maxQueue: number;
  /** Sampling defaults of requests that set none (OpenAI: temperature 1). */
  defaults: { temperature: number; topP?: number; topK?: number };
  /** One line per answered request. */
  log?: (line: string) => void;
}

export interface OpenAiServer {
  /** `http://host:port/v1` */
  baseUrl: string;
  /** Requests answered so far, by status. */
  readonly answered: Map<number, number>;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

export async function startOpenAiServer(options: OpenAiServerOptions): Promise<OpenAiServer> {
  const images = new ImageStore();
  const answered = new Map<number, number>();
  let inFlight = 0;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    answered.set(status, (answered.get(status) ?? 0) + 1);
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname.replace(/\/+$/, '');
    if (route === '/health') return send(res, 200, { status: 'ok' });
    if (route !== '/v1/chat/completions' && route !== '/v1/models') {
      throw new OpenAiError(
        404,
        `no route ${req.method} ${url.pathname} (serving /v1/chat/completions, /v1/models)`,
        'invalid_request_error',
        null,
        'not_found',
      );
    }
    checkKey(req, options.apiKey);
    if (route === '/v1/models') {
      if (req.method !== 'GET') throw methodNotAllowed(req, 'GET');
      return send(res, 200, {
        object: 'list',
        data: [{ id: options.servedName, object: 'model', created: started, owned_by: 'guinav' }],
      });
    }
    if (req.method !== 'POST') throw methodNotAllowed(req, 'POST');
    if (inFlight >= options.maxQueue) {
      throw new OpenAiError(
        429,
        `${inFlight} requests are waiting; retry shortly`,
        'rate_limit_error',
        null,
        'queue_full',
      );
    }
    inFlight++;
    try {
      const body = await readJsonBody(req, options.maxBodyBytes);
      const request = parseChatRequest(body, options);
      if (request.model !== undefined && request.model !== options.servedName) {
        throw new OpenAiError(
          404,
          `The model \`${request.model}\` does not exist (serving \`${options.servedName}\`)`,
          'invalid_request_error',
          'model',
          'model_not_found',
        );
      }
      const files = await images.acquire(request.imageUrls);
      let reply: ChatReply;
      try {
        let prompt: ReturnType<LocalModel['prompt']>;
        try {
          prompt = options.model.prompt(request.messages, files);
        } catch (err) {
          throw new OpenAiError(400, (err as Error).message, 'invalid_request_error', 'messages');
        }
        const sampled = (request.generation.temperature ?? options.defaults.temperature) > 0;
        reply = await options.model.chat.respond({
          ...prompt,
          seed: request.seed ?? (sampled ? randomInt(2 ** 31) : 0),
          generation: {
            temperature: request.generation.temperature ?? options.defaults.temperature,
            topP: request.generation.topP ?? options.defaults.topP,
            topK: request.generation.topK ?? options.defaults.topK,
            maxNewTokens: request.generation.maxNewTokens,
            stopStrings: request.generation.stopStrings,
          },
        });
      } catch (err) {
        if (err instanceof PromptError) throw new OpenAiError(400, err.message, 'invalid_request_error', 'messages');
        throw err;
      } finally {
        images.release(files);
      }
      send(res, 200, completion(options.servedName, reply));
    } finally {
      inFlight--;
    }
  };

  const started = Math.floor(Date.now() / 1000);
  const server = http.createServer((req, res) => {
    const t0 = performance.now();
    handle(req, res)
      .catch((err: unknown) => {
        const error =
          err instanceof OpenAiError
            ? err
            : new OpenAiError(500, `generation failed: ${(err as Error).message ?? String(err)}`, 'server_error');
        if (res.headersSent) return;
        const retry: Record<string, string> = error.status === 429 ? { 'retry-after': '1' } : {};
        // An unread body (too large, or never read) would keep the socket busy: close it after answering.
        send(res, error.status, error.body(), req.complete ? retry : { ...retry, connection: 'close' });
      })
      .finally(() => {
        options.log?.(`${req.method} ${req.url} ${res.statusCode} ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      });
  });
  // A client that stops sending mid-request is cut off, so it cannot hold a slot for ever.
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    baseUrl: `http://${host}:${address.port}/v1`,
    answered,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      images.close();
    },
  };
}

function methodNotAllowed(req: http.IncomingMessage, allowed: string): OpenAiError {
  return new OpenAiError(
    405,
    `method ${req.method} not allowed here (use ${allowed})`,
    'invalid_request_error',
    null,
    'method_not_allowed',
  );
}

function checkKey(req: http.IncomingMessage, apiKey: string | undefined): void {
  if (!apiKey) return;
  const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(apiKey);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new OpenAiError(401, 'Incorrect API key provided', 'authentication_error', null, 'invalid_api_key');
  }
}

/** The body as JSON, read up to `limit` bytes (a larger one is a 413 before it is all read). */
async function readJsonBody(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () =>
    new OpenAiError(
      413,
      `request body larger than ${limit} bytes (images are sent whole, base64)`,
      'invalid_request_error',
      null,
      'request_too_large',
    );
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OpenAiError(400, `the body is not valid JSON (${(err as Error).message})`);
  }
}

function completion(model: string, reply: ChatReply) {
  return {
    id: `chatcmpl-${randomBytes(12).toString('hex')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.text ?? '' },
        logprobs: null,
        finish_reason: reply.finishReason === 'length' ? 'length' : 'stop',
      },
    ],
    usage: {
      prompt_tokens: reply.promptTokens,
      completion_tokens: reply.tokens.length,
      total_tokens: reply.promptTokens + reply.tokens.length,
    },
  };
}
