import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadWorld, subtreeTasks } from '@guinav/data-gen';
import { AgentCallError, HttpAgent, ScreenshotStore, Simulator } from '@guinav/eval-env';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../../test-utils/cli-harness.js';
import { LLAMA_FIXTURE as LLAMA, MINI_WORLD as MINI, VLM_FIXTURE as VLM } from '../../test-utils/fixtures.js';
import { type LocalModel, openLocalModel } from '../local-model.js';
import { type OpenAiServer, type OpenAiServerOptions, startOpenAiServer } from './server.js';

const PAGE_3 = path.join(MINI, 'images', 'page_3.png');
const { guinav, stderr } = cliHarness();

let vlm: LocalModel;
let server: OpenAiServer;
let dir = '';
let greedy8 = '';
const limits = (model: LocalModel): OpenAiServerOptions => ({
  model,
  servedName: 'tiny',
  host: '127.0.0.1',
  port: 0,
  maxBodyBytes: 256 * 1024,
  maxQueue: 64,
  maxTokens: 64,
  defaultMaxTokens: 16,
  maxImages: 2,
  defaults: { temperature: 1 },
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-serve-'));
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vlm = await openLocalModel({ model: VLM, device: 'cpu', maxBatch: 8, waitMs: 20 });
  server = await startOpenAiServer(limits(vlm));
  // Now, while vlm's backend is current (opening another model makes its own backend current).
  greedy8 = (await alone({ temperature: 0, maxNewTokens: 8 })).text!;
  vi.restoreAllMocks();
});
afterAll(async () => {
  await server.close();
  vlm.dispose();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

const post = (body: unknown, init: RequestInit = {}) =>
  fetch(`${server.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
const dataUrl = async (file: string) => `data:image/png;base64,${(await readFile(file)).toString('base64')}`;
const userTurn = async (text: string, file = PAGE_3) => [
  {
    role: 'user',
    content: [
      { type: 'image_url', image_url: { url: await dataUrl(file) } },
      { type: 'text', text },
    ],
  },
];
interface Completion {
  choices: { message: { content: string }; finish_reason: string }[];
  usage: { completion_tokens: number };
}
interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;
const instruction = 'Instruction: from page_3 to page_12. History: Null';
/** What the model answers this prompt alone, as ms-swift records write it. */
const alone = (generation = {}, seed?: number) =>
  vlm.chat.respond({
    messages: [{ role: 'user', content: `<image>${instruction}` }],
    images: [PAGE_3],
    seed,
    generation,
  });

describe('guinav serve: the OpenAI-compatible server', () => {
  it("answers eval-env's HTTP agent as the model answers alone, batching concurrent requests", async () => {
    const world = await loadWorld(path.join(MINI, 'ui_structure.json'));
    const sim = () =>
      new Simulator(world, {
        observation: 'image',
        screenshots: new ScreenshotStore(world, path.join(MINI, 'images')),
      });
    const agent = new HttpAgent({ baseUrl: server.baseUrl, model: 'tiny', maxTokens: 8, retries: 0 });
    const tasks = subtreeTasks(world, 4).slice(0, 4);
    const before = vlm.chat.batchSizes.length;
    const answers = await Promise.all(tasks.map((t) => agent.act(sim().reset(t), { seed: 0 })));
    expect(Math.max(...vlm.chat.batchSizes.slice(before))).toBeGreaterThan(1);
    for (const [i, t] of tasks.entries()) {
      const reply = await vlm.chat.respond({
        messages: [{ role: 'user', content: `<image>Instruction: from ${t.source} to ${t.target}. History: Null` }],
        images: [path.join(MINI, 'images', `${t.source}.png`)],
        generation: { maxNewTokens: 8, temperature: 0 },
      });
      expect(answers[i]).toBe(reply.text);
    }
  });

  it('honours max_tokens, stop, temperature with a seed, and reports usage', async () => {
    const greedy = await alone({ temperature: 0, maxNewTokens: 12 });
    const res = await post({ model: 'tiny', messages: await userTurn(instruction), temperature: 0, max_tokens: 12 });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'tiny',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: greedy.text },
          finish_reason: greedy.finishReason === 'length' ? 'length' : 'stop',
        },
      ],
      usage: { prompt_tokens: greedy.promptTokens, completion_tokens: greedy.tokens.length },
    });
    const short = await json<Completion>(
      post({ messages: await userTurn(instruction), temperature: 0, max_tokens: 2 }),
    );
    expect(short.usage.completion_tokens).toBe(2);
    expect(short.choices[0]!.finish_reason).toBe('length');
    const stop = greedy.text!.slice(3, 5);
    const cut = await json<Completion>(
      post({ messages: await userTurn(instruction), temperature: 0, max_tokens: 12, stop }),
    );
    expect(cut.choices[0]).toMatchObject({
      message: { content: greedy.text!.slice(0, greedy.text!.indexOf(stop)) },
      finish_reason: 'stop',
    });
    const sampled = await alone({ temperature: 1.5, topP: 0.9, maxNewTokens: 12 }, 7);
    const drawn = await json<Completion>(
      post({ messages: await userTurn(instruction), temperature: 1.5, top_p: 0.9, max_tokens: 12, seed: 7 }),
    );
    expect(drawn.choices[0]!.message.content).toBe(sampled.text);
  });

  it('lists the model and answers health checks', async () => {
    const models = await (await fetch(`${server.baseUrl}/models`)).json();
    expect(models).toMatchObject({ object: 'list', data: [{ id: 'tiny', object: 'model', owned_by: 'guinav' }] });
    expect((await fetch(server.baseUrl.replace(/\/v1$/, '/health'))).status).toBe(200);
  });

  it('answers malformed and oversized requests with 4xx and an OpenAI error body', async () => {
    const expectError = async (res: Response, status: number, message: RegExp, param?: string) => {
      expect(res.status).toBe(status);
      const body = await json<ErrorBody>(res);
      expect(body.error.message).toMatch(message);
      expect(typeof body.error.type).toBe('string');
      if (param) expect(body.error.param).toBe(param);
    };
    await expectError(await post('{"messages": ['), 400, /body is not valid JSON/);
    await expectError(await post({ model: 'tiny' }), 400, /^messages: /, 'messages');
    await expectError(
      await post({ messages: [{ role: 'tool', content: 'x' }] }),
      400,
      /messages\[0\]\.role: expected one of system, developer, user, assistant, got "tool"/,
    );
    await expectError(
      await post({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }),
      400,
      /messages\[0\]\.content/,
    );
    const image = (url: string) => [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }];
    await expectError(
      await post({ messages: image('https://example.com/a.png') }),
      400,
      /image 1: expected a base64 data URL/,
    );
    await expectError(
      await post({ messages: image('data:image/png;base64,@@@') }),
      400,
      /image 1: the data URL is not valid base64/,
    );
    const html = Buffer.from('<html>not found</html>').toString('base64');
    await expectError(
      await post({ messages: image(`data:image/png;base64,${html}`) }),
      400,
      /image 1: not a PNG image/,
    );
    await expectError(
      await post({ messages: image('data:image/gif;base64,R0lG') }),
      400,
      /image\/gif is not supported/,
    );
    await expectError(
      await post({ messages: await userTurn('x'), max_tokens: 100000 }),
      400,
      /^max_tokens: /,
      'max_tokens',
    );
    await expectError(await post({ messages: await userTurn('x'), temperature: -1 }), 400, /^temperature: /);
    await expectError(await post({ messages: await userTurn('x'), stream: true }), 400, /streaming is not supported/);
    await expectError(await post({ messages: await userTurn('x'), n: 2 }), 400, /only n = 1/);
    await expectError(
      await post({ messages: [{ role: 'user', content: '<image>hi' }] }),
      400,
      /send images as image_url parts/,
    );
    await expectError(
      await post({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'x' },
        ],
      }),
      400,
      /end with a user turn/,
    );
    // Three images where the limit is 2; and a prompt with an image but no placeholder is fine (image first).
    const three = await userTurn('x');
    three[0]!.content.push(three[0]!.content[0]!, three[0]!.content[0]!);
    await expectError(await post({ messages: three }), 400, /3 images; at most 2/);
    await expectError(
      await post({ messages: await userTurn('x'), model: 'gpt-4o' }),
      404,
      /The model `gpt-4o` does not exist/,
      'model',
    );
    await expectError(
      await post({
        messages: await userTurn('x', path.join(MINI, 'images', 'page_1.png')),
        padding: 'x'.repeat(300 * 1024),
      }),
      413,
      /larger than 262144 bytes/,
    );
    await expectError(await fetch(`${server.baseUrl}/chat/completions`), 405, /method GET not allowed/);
    await expectError(
      await fetch(`${server.baseUrl}/completions`, { method: 'POST', body: '{}' }),
      404,
      /no route POST/,
    );
    // The server still answers after all of that.
    expect((await post({ messages: await userTurn(instruction), temperature: 0, max_tokens: 2 })).status).toBe(200);
  });

  it("is refused by the HTTP agent's own checks as a client would be: a wrong model name fails at once", async () => {
    const world = await loadWorld(path.join(MINI, 'ui_structure.json'));
    const sim = new Simulator(world, {
      observation: 'image',
      screenshots: new ScreenshotStore(world, path.join(MINI, 'images')),
    });
    const agent = new HttpAgent({ baseUrl: server.baseUrl, model: 'nope', maxTokens: 8, retries: 3, backoffMs: 1 });
    const error = await agent
      .act(sim.reset({ source: 'page_3', target: 'page_0' }), { seed: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentCallError);
    expect((error as AgentCallError).attempts).toBe(1);
    expect((error as Error).message).toMatch(/HTTP 404: The model `nope` does not exist/);
  });

  it('a text model answers text and refuses screenshots with a 400; an API key is required when set', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const llama = await openLocalModel({ model: LLAMA, device: 'cpu' });
    const text = await startOpenAiServer({ ...limits(llama), servedName: 'llama', apiKey: 'sekret' });
    vi.restoreAllMocks();
    try {
      const ask = (messages: unknown, key = 'sekret') =>
        fetch(`${text.baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}` },
          body: JSON.stringify({ messages, max_tokens: 3 }),
        });
      expect((await ask([{ role: 'user', content: 'hi' }])).status).toBe(200);
      const refused = await ask(await userTurn('Instruction: from page_3 to page_0. History: Null'));
      expect(refused.status).toBe(400);
      expect((await json<ErrorBody>(refused)).error.message).toMatch(
        /a text model \(llama\) cannot see the screenshot/,
      );
      const wrongKey = await ask([{ role: 'user', content: 'hi' }], 'guess');
      expect(wrongKey.status).toBe(401);
      expect((await json<ErrorBody>(wrongKey)).error.code).toBe('invalid_api_key');
    } finally {
      await text.close();
      llama.dispose();
    }
  });
});

describe('guinav serve (the command) with eval interactive --agent http', () => {
  it('serves until Ctrl-C, and the simulator evaluates the served model end to end', async () => {
    const world = await loadWorld(path.join(MINI, 'ui_structure.json'));
    const tasks = subtreeTasks(world, 4)
      .slice(0, 4)
      .map(({ source, target, pathLength }) => ({ source, target, pathLength }));
    const tasksFile = path.join(dir, 'tasks.json');
    await writeFile(tasksFile, JSON.stringify({ subtree: 4, tasks }));
    const serving = guinav(
      'serve',
      '--model',
      VLM,
      '--port',
      '0',
      '--device',
      'cpu',
      '--served-model-name',
      'tiny-vlm',
    );
    let baseUrl: string | undefined;
    for (let i = 0; i < 200 && !baseUrl; i++) {
      baseUrl = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(stderr())?.[1];
      if (!baseUrl) await sleep(50);
    }
    expect(baseUrl).toBeDefined();
    const out = path.join(dir, 'eval');
    const { runCli } = await import('../../program.js');
    const code = await runCli(
      ['node', 'guinav', 'eval', 'interactive', '--ui-structure', path.join(MINI, 'ui_structure.json')].concat(
        ['--images-dir', path.join(MINI, 'images'), '--tasks', tasksFile, '--agent', 'http', '--base-url', baseUrl!],
        [
          '--model',
          'tiny-vlm',
          '--max-tokens',
          '6',
          '--max-steps',
          '2',
          '--concurrency',
          '4',
          '--out',
          out,
          '--retries',
          '0',
        ],
      ),
    );
    expect(code).toBe(0);
    const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.settings.agent).toBe('http:tiny-vlm');
    expect(metrics.stepOutcomes['agent-error']).toBe(0);
    expect(stderr()).toMatch(/POST \/v1\/chat\/completions 200/);
    // The fixture's generation_config.json says do_sample false: a request without a temperature is greedy.
    const served = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: await userTurn(instruction), max_tokens: 8 }),
    });
    expect((await json<Completion>(served)).choices[0]!.message.content).toBe(greedy8);
    process.emit('SIGINT');
    expect(await serving).toBe(130);
    await expect(fetch(`${baseUrl}/models`)).rejects.toThrow();
  });
});
