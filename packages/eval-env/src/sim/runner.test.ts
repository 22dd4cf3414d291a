import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../agents/agent.js';
import { HttpAgent } from '../agents/http.js';
import { OracleAgent } from '../agents/oracle.js';
import { RandomAgent } from '../agents/random.js';
import { startChatServer } from '../test-utils/chat-server.js';
import { tinyWorld } from '../test-utils/tiny-world.js';
import { AgentUnavailableError, type RunProgress, runInteractive } from './runner.js';
import { loadInteractiveTasks } from './tasks.js';

const world = tinyWorld();
/** The 8-byte PNG signature and one byte telling the files apart (enough for the runner's check). */
const png = (tag: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, tag]);
// Shortest paths in the tiny world, counted by hand: page_3 -> page_4 is back, D_4 (2 steps).
const tasks = [
  { source: 'page_0', target: 'page_1', pathLength: 1 },
  { source: 'page_0', target: 'page_3', pathLength: 2 },
  { source: 'page_3', target: 'page_4', pathLength: 2 },
  { source: 'page_4', target: 'page_2', pathLength: 2 },
];

describe('runInteractive', () => {
  it('runs every task k times, reports progress, and the oracle solves everything', async () => {
    const seen: RunProgress[] = [];
    const run = await runInteractive({
      world,
      tasks,
      agent: new OracleAgent(world),
      attempts: 2,
      observation: 'text',
      onProgress: (p) => seen.push(p),
    });
    expect(run.episodes.map((e) => [e.taskIndex, e.attempt])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
      [3, 0],
      [3, 1],
    ]);
    expect(run.episodes.every((e) => e.success && e.steps.length === e.pathLength + 1)).toBe(true);
    expect(run.metrics.overall).toMatchObject({ tasks: 4, 'Pass@1': 100, 'Pass@2': 100 });
    expect(seen.at(-1)).toEqual({ phase: 'episodes', done: 8, total: 8, successes: 8 });
    // A first event before any episode ends, so a slow agent's run shows its size at once.
    expect(seen.map((p) => p.done)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('gives the same episodes whatever the concurrency (seeds follow task and attempt)', async () => {
    const base = { world, tasks, agent: new RandomAgent(), attempts: 3, observation: 'text', seed: 5 } as const;
    const serial = await runInteractive({ ...base, concurrency: 1 });
    const parallel = await runInteractive({ ...base, concurrency: 4 });
    expect(parallel.episodes).toEqual(serial.episodes);
    const other = await runInteractive({ ...base, seed: 6 });
    expect(other.episodes).not.toEqual(serial.episodes);
  });

  it('records failed agent calls as steps and finishes the run while the agent still answers at times', async () => {
    let calls = 0;
    const flaky: Agent = {
      name: 'flaky',
      act: async () => {
        // Fails every other call: never 5 in a row.
        if (calls++ % 2 === 0) throw new Error('model crashed');
        return 'not an action';
      },
    };
    const run = await runInteractive({ world, tasks, agent: flaky, observation: 'text', maxSteps: 3 });
    expect(calls).toBe(12);
    expect(run.metrics.overall['Pass@1']).toBe(0);
    expect(run.episodes[0]?.steps[0]).toMatchObject({ outcome: 'agent-error', error: 'model crashed' });
    expect(run.metrics.stepOutcomes).toMatchObject({ 'agent-error': 6, unparseable: 6 });
  });

  it('stops after a few failed calls in a row, and stops the episodes in flight too', async () => {
    let calls = 0;
    const broken: Agent = {
      name: 'broken',
      act: async (_o, { signal }) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        signal?.throwIfAborted();
        throw new Error('HTTP 401: invalid API key');
      },
    };
    const run = runInteractive({ world, tasks, agent: broken, observation: 'text', attempts: 50, concurrency: 3 });
    await expect(run).rejects.toThrow(new AgentUnavailableError(5, false, 'HTTP 401: invalid API key').message);
    // The fifth failure stops the run; the calls already in flight end, nothing new starts.
    expect(calls).toBeLessThanOrEqual(5 + 2);
    await expect(
      runInteractive({ world, tasks, agent: broken, observation: 'text', maxConsecutiveAgentErrors: 2 }),
    ).rejects.toThrow(/failed 2 calls in a row/);
    await expect(
      runInteractive({ world, tasks, agent: broken, observation: 'text', maxConsecutiveAgentErrors: -1 }),
    ).rejects.toThrow(/maxConsecutiveAgentErrors must be an integer >= 0/);
  });

  it('never returns metrics of a run in which every agent call failed (an HTTP endpoint that keeps failing)', async () => {
    const server = await startChatServer((_r, i) => (i % 3 === 2 ? { text: 'garbage' } : { status: 503, json: {} }));
    try {
      const agent = new HttpAgent({ baseUrl: server.baseUrl, model: 'm', retries: 1, backoffMs: 1, maxBackoffMs: 2 });
      // 2 episodes x 2 steps: 4 calls, fewer than the 5 in a row that stop a run early.
      const run = runInteractive({
        world,
        tasks: tasks.slice(0, 2),
        agent,
        observation: 'text',
        maxSteps: 2,
        concurrency: 2,
      });
      await expect(run).rejects.toThrow(
        /^every one of the 4 agent call\(s\) failed; last error: POST .*gave up after 2 attempts\)$/,
      );
      expect(server.requests).toHaveLength(8);
    } finally {
      await server.close();
    }
  });

  it('sends each page its own screenshot in image mode', async () => {
    const imagesDir = await mkdtemp(path.join(os.tmpdir(), 'runner-images-'));
    for (const [i, page] of world.pageIds.entries()) await writeFile(path.join(imagesDir, `${page}.png`), png(i));
    const server = await startChatServer(() => ({
      json: { choices: [{ message: { content: 'Explain: this is target page.\tAction: complete' } }] },
    }));
    try {
      const agent = new HttpAgent({ baseUrl: server.baseUrl, model: 'm' });
      const run = await runInteractive({ world, tasks: tasks.slice(2), agent, imagesDir, concurrency: 2 });
      expect(run.episodes.map((e) => e.endReason)).toEqual(['complete', 'complete']);
      const sent = server.requests.map((r) => {
        const content = (r.body as { messages: { content: { type: string; image_url?: { url: string } }[] }[] })
          .messages[0]?.content;
        return content?.[0]?.image_url?.url;
      });
      // Sources page_3 and page_4 end in bytes 3 and 4: the signature then [3] or [4], in base64.
      expect(sent.sort()).toEqual(['data:image/png;base64,iVBORw0KGgoD', 'data:image/png;base64,iVBORw0KGgoE']);
    } finally {
      await server.close();
    }
  });

  it('checks the screenshot of every page before running, not only of the pages in tasks', async () => {
    const imagesDir = await mkdtemp(path.join(os.tmpdir(), 'runner-images-'));
    // Tasks 0 and 1 use page_0, page_1 and page_3; page_2 and page_4 can still be visited.
    for (const page of ['page_0', 'page_1', 'page_3']) await writeFile(path.join(imagesDir, `${page}.png`), png(0));
    await expect(
      runInteractive({ world, tasks: tasks.slice(0, 2), agent: new RandomAgent(), imagesDir }),
    ).rejects.toThrow(
      `2 screenshot(s) missing in ${imagesDir}: ${path.join(imagesDir, 'page_2.png')}, ${path.join(imagesDir, 'page_4.png')}`,
    );
    // A file with the name but not the bytes of a PNG (a saved error page) is refused as well.
    for (const page of ['page_2', 'page_4']) await writeFile(path.join(imagesDir, `${page}.png`), png(0));
    await writeFile(path.join(imagesDir, 'page_1.png'), '<html>404</html>');
    await expect(
      runInteractive({ world, tasks: tasks.slice(0, 2), agent: new RandomAgent(), imagesDir }),
    ).rejects.toThrow(
      `1 screenshot(s) in ${imagesDir} are not images: ${path.join(imagesDir, 'page_1.png')} (not a PNG image)`,
    );
  });

  it('needs images unless the observation is text', async () => {
    await expect(runInteractive({ world, tasks, agent: new RandomAgent() })).rejects.toThrow(/needs screenshots/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const agent: Agent = {
      name: 'slow',
      act: (_o, { signal }) =>
        new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    };
    const running = runInteractive({ world, tasks, agent, observation: 'text', signal: controller.signal });
    controller.abort(new Error('cancelled by user'));
    await expect(running).rejects.toThrow(/cancelled by user/);
  });

  it('stops when cancelled from an event (e.g. SIGINT) even with an agent that never waits', async () => {
    // The oracle answers without I/O; an abort scheduled as an event must still get its turn.
    const controller = new AbortController();
    const answered: number[] = [];
    const oracle = new OracleAgent(world);
    const agent: Agent = {
      name: 'instant',
      act: async (observation, options) => {
        answered.push(observation.step);
        return oracle.answer(observation, options.seed);
      },
    };
    setImmediate(() => controller.abort(new Error('interrupted')));
    const running = runInteractive({
      world,
      tasks,
      agent,
      attempts: 500,
      observation: 'text',
      signal: controller.signal,
    });
    await expect(running).rejects.toThrow(/interrupted/);
    // 2,000 episodes of 2-3 steps each were asked for; the run stopped long before.
    expect(answered.length).toBeLessThan(1000);
  });
});

describe('loadInteractiveTasks', () => {
  async function tasksFile(body: string): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tasks-'));
    const file = path.join(dir, 'tasks_test.json');
    await writeFile(file, body);
    return file;
  }

  it('accepts a matching file', async () => {
    const file = await tasksFile(JSON.stringify({ subtree: null, tasks }));
    await expect(loadInteractiveTasks(file, world)).resolves.toEqual(tasks);
  });

  it('names the task index and line of an unknown page', async () => {
    const bad = [...tasks.slice(0, 2), { source: 'page_0', target: 'page_77', pathLength: 1 }];
    const file = await tasksFile(JSON.stringify({ subtree: 0, tasks: bad }, null, 2));
    // With 2-space indentation each task spans 5 lines and the first starts on line 4.
    await expect(loadInteractiveTasks(file, world)).rejects.toThrow(
      `${file}: tasks[2] (line 14): target "page_77" is not a page of tiny.json`,
    );
  });

  it('rejects an empty list, a subtree the world does not have, and a task listed twice', async () => {
    const empty = await tasksFile(JSON.stringify({ subtree: 0, tasks: [] }));
    await expect(loadInteractiveTasks(empty, world)).rejects.toThrow(
      `${empty}: tasks: the list is empty; there is nothing to evaluate`,
    );
    // The tiny world's root has two children: subtrees 0 and 1.
    const noSuchSubtree = await tasksFile(JSON.stringify({ subtree: 2, tasks }));
    await expect(loadInteractiveTasks(noSuchSubtree, world)).rejects.toThrow(
      `${noSuchSubtree}: subtree: 2 does not exist in tiny.json, which has 2 subtree(s) (0..1)`,
    );
    const twice = await tasksFile(JSON.stringify({ subtree: null, tasks: [...tasks, tasks[1]] }, null, 2));
    // Task i starts on line 4 + 5 i.
    await expect(loadInteractiveTasks(twice, world)).rejects.toThrow(
      `${twice}: tasks[4] (line 24): page_0 -> page_3 is already tasks[1] (line 9); list each task once (--attempts repeats them)`,
    );
  });

  it('rejects a path length that does not match the world', async () => {
    const file = await tasksFile(JSON.stringify({ subtree: null, tasks: [{ ...tasks[1], pathLength: 3 }] }));
    await expect(loadInteractiveTasks(file, world)).rejects.toThrow(
      /tasks\[0\] \(line 1\): pathLength is 3 but the shortest path in tiny\.json has 2 step\(s\)/,
    );
  });
});
