import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Simulator } from '../sim/simulator.js';
import { type ChatServer, completion, type Reply, startChatServer } from '../test-utils/chat-server.js';
import { clickText, tinyWorld } from '../test-utils/tiny-world.js';
import { AgentCallError, HttpAgent } from './http.js';

const world = tinyWorld();
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
let imagesDir = '';
let server: ChatServer | undefined;

beforeAll(async () => {
  imagesDir = await mkdtemp(path.join(os.tmpdir(), 'http-agent-'));
  for (const page of world.pageIds) await writeFile(path.join(imagesDir, `${page}.png`), PNG);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(reply: (index: number) => Reply): Promise<ChatServer> {
  server = await startChatServer((_req, i) => reply(i));
  return server;
}

const fast = { backoffMs: 5, maxBackoffMs: 20 };
const answer = clickText('A_1', 'page_0', 300, 260);

describe('HttpAgent', () => {
  it('sends the screenshot as a data URL part followed by the prompt text, with the API key from the env', async () => {
    const s = await serve(() => ({ json: completion(answer) }));
    process.env.GUINAV_TEST_KEY = 'sk-test-123';
    const agent = new HttpAgent({
      baseUrl: s.baseUrl,
      model: 'qwen-test',
      apiKeyEnv: 'GUINAV_TEST_KEY',
      maxTokens: 64,
    });
    const obs = new Simulator(world, { imagesDir }).reset({ source: 'page_0', target: 'page_3' });
    await expect(agent.act(obs, { seed: 7 })).resolves.toBe(answer);
    expect(s.requests).toHaveLength(1);
    const req = s.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/v1/chat/completions');
    expect(req?.headers.authorization).toBe('Bearer sk-test-123');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toEqual({
      model: 'qwen-test',
      temperature: 0,
      max_tokens: 64,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } },
            { type: 'text', text: 'Instruction: from page_0 to page_3. History: Null' },
          ],
        },
      ],
    });
  });

  it('sends the text view as a plain string in text mode, and a seed when sampling', async () => {
    const s = await serve(() => ({ json: completion(answer) }));
    const agent = new HttpAgent({ baseUrl: `${s.baseUrl}/`, model: 'm', temperature: 0.7 });
    const sim = new Simulator(world, { observation: 'text' });
    sim.reset({ source: 'page_2', target: 'page_0' });
    const obs = sim.step('nonsense').observation;
    await agent.act(obs, { seed: 100 });
    const body = s.requests[0]?.body as { messages: unknown; seed: number; temperature: number };
    expect(body.messages).toEqual([{ role: 'user', content: obs.messages[0]?.content }]);
    expect(typeof (body.messages as { content: unknown }[])[0]?.content).toBe('string');
    expect(body.temperature).toBe(0.7);
    expect(body.seed).toBe(101);
    expect(s.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('retries a 500 and returns the next answer', async () => {
    const s = await serve((i) =>
      i === 0 ? { status: 500, json: { message: 'engine overloaded' } } : { json: completion(answer) },
    );
    const agent = new HttpAgent({ baseUrl: s.baseUrl, model: 'm', ...fast });
    const obs = new Simulator(world, { observation: 'text' }).reset({ source: 'page_0', target: 'page_1' });
    await expect(agent.act(obs, { seed: 1 })).resolves.toBe(answer);
    expect(s.requests).toHaveLength(2);
  });

  it('retries a timeout, then gives up with a clear error', async () => {
    const s = await serve(() => ({ hangMs: 2_000 }));
    const agent = new HttpAgent({ baseUrl: s.baseUrl, model: 'm', timeoutMs: 100, retries: 2, ...fast });
    const obs = new Simulator(world, { observation: 'text' }).reset({ source: 'page_0', target: 'page_1' });
    const err = await agent.act(obs, { seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentCallError);
    expect((err as AgentCallError).message).toMatch(/no answer within 100 ms \(gave up after 3 attempts\)/);
    expect(s.requests).toHaveLength(3);
  });

  it('treats a garbage body as a failed attempt and retries it', async () => {
    const s = await serve((i) =>
      i === 0
        ? { text: '<html>502 Bad Gateway</html>' }
        : i === 1
          ? { json: { foo: 1 } }
          : { json: completion(answer) },
    );
    const agent = new HttpAgent({ baseUrl: s.baseUrl, model: 'm', ...fast });
    const obs = new Simulator(world, { observation: 'text' }).reset({ source: 'page_0', target: 'page_1' });
    await expect(agent.act(obs, { seed: 1 })).resolves.toBe(answer);
    expect(s.requests).toHaveLength(3);
  });

  it('reports garbage that never stops, naming what came back', async () => {
    const s = await serve(() => ({ text: 'not json at all' }));
    const agent = new HttpAgent({ baseUrl: s.baseUrl, model: 'm', retries: 1, ...fast });
    const obs = new Simulator(world, { observation: 'text' }).reset({ source: 'page_0', target: 'page_1' });
    await expect(agent.act(obs, { seed: 1 })).rejects.toThrow(
      /response is not JSON: not json at all \(gave up after 2 attempts\)/,
    );
  });

  it('does not retry errors a retry cannot fix, and shows the server message', async () => {
    const s = await serve(() => ({ status: 404, json: { error: { message: 'The model `m` does not exist.' } } }));
    const agent = new HttpAgent({ baseUrl: s.baseUrl, model: 'm', ...fast });
    const obs = new Simulator(world, { observation: 'text' }).reset({ source: 'page_0', target: 'page_1' });
    await expect(agent.act(obs, { seed: 1 })).rejects.toThrow(/HTTP 404: The model `m` does not exist\.$/);
    expect(s.requests).toHaveLength(1);
  });

  it('honours Retry-After on 429 and joins content given as parts', async () => {
    const s = await serve((i) =>
      i === 0
        ? { status: 429, json: { message: 'slow down' }, headers: { 'retry-after': '0' } }
        : {
            json: completion([
              { type: 'text', text: 'Explain: this is target page.' },
              { type: 'text', text: '\tAction: complete' },
            ]),
          },
    );
    const agent = new HttpAgent({ baseUrl: s.baseUrl, model: 'm', backoffMs: 60_000, maxBackoffMs: 60_000 });
    const obs = new Simulator(world, { observation: 'text' }).reset({ source: 'page_0', target: 'page_1' });
    const started = Date.now();
    await expect(agent.act(obs, { seed: 1 })).resolves.toBe('Explain: this is target page.\tAction: complete');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const s = await serve(() => ({ json: completion(answer) }));
    const agent = new HttpAgent({ baseUrl: s.baseUrl, model: 'm', concurrency: 2 });
    const sim = new Simulator(world, { observation: 'text' });
    const obs = sim.reset({ source: 'page_0', target: 'page_1' });
    await Promise.all(Array.from({ length: 8 }, (_, i) => agent.act(obs, { seed: i })));
    expect(s.requests).toHaveLength(8);
    expect(s.maxInFlight).toBe(2);
  });

  it('fails fast on a missing API key variable or a bad URL', () => {
    delete process.env.GUINAV_MISSING_KEY;
    expect(() => new HttpAgent({ baseUrl: 'http://x/v1', model: 'm', apiKeyEnv: 'GUINAV_MISSING_KEY' })).toThrow(
      /GUINAV_MISSING_KEY is not set/,
    );
    expect(() => new HttpAgent({ baseUrl: 'localhost:8000', model: 'm' })).toThrow(/not an http\(s\) URL/);
  });

  it('cuts a reply longer than maxReplyBytes, declared or streamed without end, and does not retry it', async () => {
    const s = await serve(() => ({ text: 'x'.repeat(5000) }));
    const agent = new HttpAgent({ baseUrl: s.baseUrl, model: 'm', maxReplyBytes: 1024, ...fast });
    const obs = new Simulator(world, { observation: 'text' }).reset({ source: 'page_0', target: 'page_1' });
    await expect(agent.act(obs, { seed: 1 })).rejects.toThrow(
      /reply longer than 1024 bytes \(cut there; a chat completion is a few KiB\)$/,
    );
    expect(s.requests).toHaveLength(1);
    // A server that never stops sending (no Content-Length): reading stops at the limit.
    let sent = 0;
    const endless = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const more = () => {
        while (sent < 64 << 20 && res.write(' '.repeat(64 * 1024))) sent += 64 * 1024;
        if (sent < 64 << 20) res.once('drain', more);
      };
      more();
      res.on('close', () => res.destroy());
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = endless.address() as AddressInfo;
      const streaming = new HttpAgent({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', maxReplyBytes: 100_000 });
      await expect(streaming.act(obs, { seed: 1 })).rejects.toThrow(/reply longer than 100000 bytes/);
      expect(sent).toBeLessThan(16 << 20); // it stopped reading long before the 64 MiB the server had
    } finally {
      endless.closeAllConnections();
      await new Promise<void>((resolve) => endless.close(() => resolve()));
    }
  });

  it('reports a refused connection after retrying', async () => {
    const s = await serve(() => ({ json: completion(answer) }));
    const url = s.baseUrl;
    await s.close();
    server = undefined;
    const agent = new HttpAgent({ baseUrl: url, model: 'm', retries: 1, ...fast });
    const obs = new Simulator(world, { observation: 'text' }).reset({ source: 'page_0', target: 'page_1' });
    await expect(agent.act(obs, { seed: 1 })).rejects.toThrow(
      /request failed \(.*ECONNREFUSED.*\) \(gave up after 2 attempts\)/,
    );
  });
});
