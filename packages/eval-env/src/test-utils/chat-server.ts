import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake server does with one request. */
export type Reply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; text: string; headers?: Record<string, string> }
  | { hangMs: number };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface ChatServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Most requests in flight at the same time. */
  maxInFlight: number;
  close(): Promise<void>;
}

/** A chat completion as OpenAI and vLLM send it. */
export function completion(content: string | unknown[] | null): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

/**
 * A real HTTP server on 127.0.0.1 speaking the chat-completions wire format. `reply` decides each
 * answer from the request and its 0-based arrival index.
 */
export async function startChatServer(reply: (request: RecordedRequest, index: number) => Reply): Promise<ChatServer> {
  let inFlight = 0;
  const state = { requests: [] as RecordedRequest[], maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // keep the raw text: the test will see it was not JSON
      }
      const request: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      const index = state.requests.push(request) - 1;
      const answer = reply(request, index);
      const finish = () => {
        inFlight--;
      };
      if ('hangMs' in answer) {
        const timer = setTimeout(() => {
          finish();
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion('late')));
        }, answer.hangMs);
        res.on('close', () => {
          if (!res.writableEnded) {
            clearTimeout(timer);
            finish();
          }
        });
        return;
      }
      const text = 'json' in answer ? JSON.stringify(answer.json) : answer.text;
      // A little latency so that concurrent requests overlap measurably.
      setTimeout(() => {
        finish();
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(text);
      }, 15);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
