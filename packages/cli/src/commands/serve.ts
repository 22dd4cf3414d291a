/**
 * `guinav serve`: a local checkpoint behind an OpenAI-compatible chat-completions endpoint, so
 * `guinav eval interactive --agent http` and any OpenAI client can use it. Runs until Ctrl-C.
 */
import { readGenerationConfig } from '@guinav/trainer-core';
import type { Command } from 'commander';
import { interruptible } from '../interrupt.js';
import { boundedInteger, positiveInteger, positiveNumber } from '../option-parsers.js';
import { openLocalModel } from '../serving/local-model.js';
import { type OpenAiServer, startOpenAiServer } from '../serving/openai/server.js';

export interface ServeOptions {
  model: string;
  adapter?: string;
  host: string;
  port: number;
  servedModelName?: string;
  device: string;
  maxBatch: number;
  maxTokens: number;
  maxTokensLimit: number;
  maxBodyMb: number;
  maxQueue: number;
  maxImages: number;
  apiKeyEnv?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Sampling defaults of requests that set none: the folder's generation_config.json (greedy when it
 * says `do_sample: false`, as transformers' generate is), else OpenAI's temperature 1.
 */
export function samplingDefaults(dir: string): { temperature: number; topP?: number; topK?: number } {
  const g = readGenerationConfig(dir);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const topK = num(g.top_k);
  return {
    temperature: g.do_sample === false ? 0 : (num(g.temperature) ?? 1),
    topP: num(g.top_p),
    topK: topK !== undefined && topK > 0 ? topK : undefined,
  };
}

/** Opens the model and starts the server; resolves once it listens. */
export async function startServe(opts: ServeOptions, log: (line: string) => void = (l) => console.error(l)) {
  let apiKey: string | undefined;
  if (opts.apiKeyEnv) {
    apiKey = process.env[opts.apiKeyEnv];
    if (!apiKey)
      throw new Error(`--api-key-env ${opts.apiKeyEnv}: environment variable ${opts.apiKeyEnv} is not set or empty`);
  }
  if (opts.maxTokens > opts.maxTokensLimit) {
    throw new Error(`--max-tokens ${opts.maxTokens} is above --max-tokens-limit ${opts.maxTokensLimit}`);
  }
  const defaults = samplingDefaults(opts.model);
  const model = await openLocalModel({
    model: opts.model,
    adapter: opts.adapter,
    device: opts.device,
    maxBatch: opts.maxBatch,
    // Requests of several clients (or episodes) rarely arrive in the same tick.
    waitMs: 5,
  });
  let server: OpenAiServer;
  try {
    server = await startOpenAiServer({
      model,
      servedName: opts.servedModelName ?? model.name,
      host: opts.host,
      port: opts.port,
      apiKey,
      maxBodyBytes: Math.round(opts.maxBodyMb * 2 ** 20),
      maxQueue: opts.maxQueue,
      maxTokens: opts.maxTokensLimit,
      defaultMaxTokens: opts.maxTokens,
      maxImages: opts.maxImages,
      defaults,
      log,
    });
  } catch (err) {
    model.dispose();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`--port ${opts.port}: already in use on ${opts.host}`);
    if (code === 'EADDRNOTAVAIL') throw new Error(`--host ${opts.host}: not an address of this machine`);
    throw err;
  }
  log(
    `serving ${opts.servedModelName ?? model.name} (${model.modelType}, ${model.vision ? 'images and text' : 'text only'}) at ${server.baseUrl}` +
      ` (POST /chat/completions, GET /models); Ctrl-C stops`,
  );
  if (!LOOPBACK.has(opts.host) && !apiKey) {
    log(
      `warning: --host ${opts.host} lets other machines in, and no --api-key-env is set: anyone who can reach it can use it`,
    );
  }
  return {
    server,
    stop: async () => {
      await server.close();
      model.dispose();
    },
  };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve a model as an OpenAI-compatible chat-completions endpoint (for --agent http and other tools)')
    .requiredOption('--model <dir>', 'model folder: the built-in VLM (LLaVA) or a Llama / Qwen2 / Gemma 3 text model')
    .option('--adapter <dir>', 'PEFT LoRA adapter folder for the model')
    .option('--port <n>', 'port (0: any free port)', boundedInteger(0, 65535), 8000)
    .option('--host <address>', 'address to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--served-model-name <name>', 'the model name clients send (default: the folder name)')
    .option('--device <device>', 'auto, cpu or webgpu', 'auto')
    .option('--max-batch <n>', 'requests generated together at most (1..256)', boundedInteger(1, 256), 16)
    .option('--max-tokens <n>', 'new tokens of a request that sets no max_tokens', positiveInteger, 256)
    .option('--max-tokens-limit <n>', 'largest max_tokens a request may ask for', positiveInteger, 4096)
    .option('--max-images <n>', 'images per request at most', positiveInteger, 8)
    .option('--max-body-mb <mb>', 'largest request body in MiB (images are base64 in it)', positiveNumber, 20)
    .option('--max-queue <n>', 'requests waiting at once; more are answered 429', positiveInteger, 256)
    .option('--api-key-env <var>', "require this environment variable's value as the Bearer API key")
    .action(async (opts: ServeOptions) => {
      const { stop } = await startServe(opts);
      try {
        await interruptible(
          (signal) =>
            new Promise<never>((_, reject) => {
              signal.addEventListener('abort', () => reject(signal.reason), { once: true });
            }),
        );
      } finally {
        await stop();
      }
    });
}
