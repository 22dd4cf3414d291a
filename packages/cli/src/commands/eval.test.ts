import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateWorld, parseWorld, subtreeTasks, WORLD_PRESETS } from '@guinav/data-gen';
import { completion, startChatServer } from '@guinav/eval-env/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../program.js';
import { cliHarness } from '../test-utils/cli-harness.js';

let dir = '';
let worldFile = '';
let tasksFile = '';
let taskCount = 0;
const { capture, guinav, interruptedOn, stderr, logs } = cliHarness();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-eval-'));
  const structure = generateWorld({ nodesPerLevel: WORLD_PRESETS.mini, seed: 3 });
  worldFile = path.join(dir, 'ui_structure.json');
  await writeFile(worldFile, JSON.stringify(structure, null, 2));
  const tasks = subtreeTasks(parseWorld(structure, worldFile), 4).map(({ source, target, pathLength }) => ({
    source,
    target,
    pathLength,
  }));
  taskCount = tasks.length;
  tasksFile = path.join(dir, 'tasks_test.json');
  await writeFile(tasksFile, JSON.stringify({ subtree: 4, tasks }, null, 2));
});

afterEach(() => vi.restoreAllMocks());

const interactive = (out: string, ...extra: string[]) =>
  guinav('eval', 'interactive', '--ui-structure', worldFile, '--tasks', tasksFile, '--out', out, ...extra);

describe('guinav eval interactive', () => {
  it('oracle in text mode: 100% Pass@k, one episode line per attempt, a summary table', async () => {
    const out = path.join(dir, 'oracle');
    const code = await interactive(out, '--agent', 'oracle', '--observation', 'text', '--attempts', '2');
    expect(stderr()).not.toMatch(/guinav:/);
    expect(code).toBe(0);
    const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.overall).toMatchObject({ tasks: taskCount, 'Pass@1': 100, 'Pass@2': 100 });
    expect(metrics.settings).toMatchObject({ agent: 'oracle', attempts: 2, maxSteps: 12, variant: 'with-complete' });
    const lines = (await readFile(path.join(out, 'episodes.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2 * taskCount);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ taskIndex: 0, attempt: 0, success: true });
    expect(String(logs().mock.calls[0]?.[0])).toMatch(/overall\s+30\s+100\.00\s+100\.00/);
  });

  it('random agent, click-only, fewer steps: runs and scores below the oracle', async () => {
    const out = path.join(dir, 'random');
    const code = await interactive(
      out,
      ...['--agent', 'random', '--observation', 'text', '--variant', 'click-only', '--max-steps', '4', '--seed', '9'],
    );
    expect(code).toBe(0);
    const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.settings).toMatchObject({ variant: 'click-only', maxSteps: 4, seed: 9 });
    expect(metrics.overall['Pass@1']).toBeLessThan(100);
  });

  it('asks an OpenAI-compatible server, with the key from the named variable', async () => {
    const seen: { auth?: string; body: { model: string; messages: { content: unknown }[] } }[] = [];
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            choices: [{ message: { role: 'assistant', content: 'Explain: this is target page.\tAction: complete' } }],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.GUINAV_EVAL_TEST_KEY = 'secret-1';
    try {
      const { port } = server.address() as AddressInfo;
      const out = path.join(dir, 'http');
      const code = await interactive(
        out,
        ...['--agent', 'http', '--observation', 'text', '--concurrency', '4'],
        ...['--base-url', `http://127.0.0.1:${port}/v1`, '--model', 'served', '--api-key-env', 'GUINAV_EVAL_TEST_KEY'],
      );
      expect(code).toBe(0);
      // Saying complete at once ends every episode after one request, unsuccessfully.
      expect(seen).toHaveLength(taskCount);
      expect(seen[0]).toMatchObject({ auth: 'Bearer secret-1', body: { model: 'served' } });
      expect(typeof seen[0]?.body.messages[0]?.content).toBe('string');
      const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
      expect(metrics.overall['Pass@1']).toBe(0);
      expect(metrics.settings.agent).toBe('http:served');
      expect(String(logs().mock.calls[0]?.[0])).not.toContain('warning');
    } finally {
      server.close();
    }
  });

  it('names the task and line of an unknown page, and writes nothing', async () => {
    const bad = path.join(dir, 'bad_tasks.json');
    const tasks = JSON.parse(await readFile(tasksFile, 'utf8'));
    tasks.tasks[1].target = 'page_404';
    await writeFile(bad, JSON.stringify(tasks, null, 2));
    const out = path.join(dir, 'never');
    capture();
    const code = await runCli(
      [
        'node',
        'guinav',
        'eval',
        'interactive',
        '--ui-structure',
        worldFile,
        '--tasks',
        bad,
        '--agent',
        'oracle',
      ].concat(['--observation', 'text', '--out', out]),
    );
    expect(code).toBe(1);
    expect(stderr()).toContain(`${bad}: tasks[1] (line 9): target "page_404" is not a page of ${worldFile}`);
    expect(existsSync(out)).toBe(false);
  });

  it('names the line of a malformed task and of a JSON syntax error', async () => {
    const bad = path.join(dir, 'bad_field.json');
    const tasks = JSON.parse(await readFile(tasksFile, 'utf8'));
    tasks.tasks[1].pathLength = 'two';
    await writeFile(bad, JSON.stringify(tasks, null, 2));
    expect(
      await interactive(path.join(dir, 'never'), '--agent', 'oracle', '--tasks', bad, '--observation', 'text'),
    ).toBe(1);
    // Pretty-printed: task 1 starts on line 9, its pathLength is on line 12.
    expect(stderr()).toContain(
      `${bad}: invalid tasks file at tasks[1].pathLength (line 12): Invalid input: expected number`,
    );
    await writeFile(bad, '{"subtree": 4,\n "tasks": [\n  {"source": "page_0" "target": "page_1", "pathLength": 1}]}');
    expect(
      await interactive(path.join(dir, 'never'), '--agent', 'oracle', '--tasks', bad, '--observation', 'text'),
    ).toBe(1);
    expect(stderr()).toContain(
      `${bad}: not valid JSON at line 3, column 23: expected ',' or '}' after the value of "source"`,
    );
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  });

  it('needs images for image observations and says which are missing', async () => {
    const code = await interactive(path.join(dir, 'img'), '--agent', 'oracle', '--images-dir', path.join(dir, 'none'));
    expect(code).toBe(1);
    expect(stderr()).toMatch(/screenshot\(s\) missing in .*none: .*page_0\.png.*use --observation text/);
    expect(await interactive(path.join(dir, 'img'), '--agent', 'oracle')).toBe(1);
    expect(stderr()).toMatch(/--images-dir is required with --observation image/);
  });

  it('rejects bad option values with the option named', async () => {
    expect(await interactive(path.join(dir, 'x'), '--agent', 'oracle', '--attempts', '0')).toBe(1);
    expect(stderr()).toMatch(/option '--attempts <k>' argument '0' is invalid\. expected a positive integer/);
    expect(await interactive(path.join(dir, 'x'), '--agent', 'robot')).toBe(1);
    expect(stderr()).toMatch(/Allowed choices are oracle, random, http/);
    expect(await interactive(path.join(dir, 'x'), '--agent', 'http', '--observation', 'text')).toBe(1);
    expect(stderr()).toMatch(/--agent http needs --base-url/);
    expect(await interactive(path.join(dir, 'x'), '--agent', 'oracle', '--observation', 'text', '--model', 'm')).toBe(
      1,
    );
    expect(stderr()).toContain('--model applies only to --agent http (got --agent oracle)');
    expect(
      await interactive(
        path.join(dir, 'x'),
        '--agent',
        'random',
        '--observation',
        'text',
        '--model',
        'm',
        '--retries',
        '1',
      ),
    ).toBe(1);
    expect(stderr()).toContain('--model, --retries apply only to --agent http (got --agent random)');
  });
});

describe('guinav eval interactive with an agent that cannot answer', () => {
  const http = (out: string, baseUrl: string, ...extra: string[]) =>
    interactive(
      out,
      ...['--agent', 'http', '--observation', 'text', '--retries', '0', '--base-url', baseUrl, '--model', 'm'],
      ...extra,
    );

  it('stops after 5 refused connections in a row, exits 1 and writes no 0% metrics', async () => {
    const server = await startChatServer(() => ({ json: {} }));
    const url = server.baseUrl;
    await server.close(); // nothing listens on the port now
    const out = path.join(dir, 'down');
    const started = Date.now();
    expect(await http(out, url)).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stderr()).toMatch(
      /guinav: the agent failed 5 calls in a row, so the run was stopped; last error: POST .*ECONNREFUSED/,
    );
    expect(stderr()).toContain(`nothing was written to ${out}; check --base-url ${url}, --model m and the server`);
    expect(existsSync(out)).toBe(false);
  });

  it('stops on a server that refuses the key (401), and on one that answers garbage', async () => {
    for (const [reply, why] of [
      [{ status: 401, json: { error: { message: 'Invalid API key' } } }, /HTTP 401: Invalid API key/],
      [{ text: '<html>maintenance</html>' }, /response is not JSON: <html>maintenance<\/html>/],
    ] as const) {
      const server = await startChatServer(() => reply);
      try {
        const out = path.join(dir, 'refused');
        expect(await http(out, server.baseUrl, '--concurrency', '4')).toBe(1);
        expect(stderr()).toMatch(why);
        // The 5th failure stops the run; the calls already in flight end, no new ones start.
        expect(server.requests.length).toBeLessThanOrEqual(5 + 3);
        expect(existsSync(out)).toBe(false);
      } finally {
        await server.close();
      }
    }
  });

  it('fails a run in which every call failed even when it is too short to stop early', async () => {
    const server = await startChatServer(() => ({ status: 503, json: {} }));
    try {
      const tasks = JSON.parse(await readFile(tasksFile, 'utf8'));
      const three = path.join(dir, 'three_tasks.json');
      await writeFile(three, JSON.stringify({ subtree: 4, tasks: tasks.tasks.slice(0, 3) }));
      const out = path.join(dir, 'short');
      const code = await interactive(
        out,
        ...['--agent', 'http', '--observation', 'text', '--retries', '0', '--max-steps', '1', '--tasks', three],
        ...['--base-url', server.baseUrl, '--model', 'm'],
      );
      expect(code).toBe(1);
      expect(stderr()).toMatch(/every one of the 3 agent call\(s\) failed; last error: .*HTTP 503/);
      expect(existsSync(out)).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('keeps going, and warns, when only some calls fail', async () => {
    const server = await startChatServer((_r, i) =>
      i % 2 === 0 ? { status: 500, json: {} } : { json: completion('Explain: this is target page.\tAction: complete') },
    );
    try {
      const out = path.join(dir, 'flaky');
      expect(await http(out, server.baseUrl, '--max-steps', '2')).toBe(0);
      const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
      expect(metrics.stepOutcomes['agent-error']).toBe(taskCount);
      expect(String(logs().mock.calls[0]?.[0])).toContain(
        `warning: the agent gave no answer on ${taskCount} of ${2 * taskCount} step(s) (agent-error)`,
      );
    } finally {
      await server.close();
    }
  });
});

describe('guinav eval refuses absurd sizes and outputs over inputs', () => {
  it('--attempts 100000 and --concurrency 1000, before loading anything heavy', async () => {
    expect(
      await interactive(path.join(dir, 'x'), '--agent', 'oracle', '--observation', 'text', '--attempts', '100000'),
    ).toBe(1);
    expect(stderr()).toMatch(
      new RegExp(
        `guinav: ${taskCount} tasks x --attempts 100,000 = ${(100_000 * taskCount).toLocaleString('en-US')} episodes of up to --max-steps 12 steps would need about .* of memory; this process may use`,
      ),
    );
    expect(await interactive(path.join(dir, 'x'), '--agent', 'oracle', '--concurrency', '1000')).toBe(1);
    expect(stderr()).toMatch(
      /option '--concurrency <n>' argument '1000' is invalid\. expected an integer from 1 to 256/,
    );
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });

  it('eval static --out equal to --predictions: refused, the predictions kept', async () => {
    const predictions = path.join(dir, 'keep.jsonl');
    const text = `${JSON.stringify({ prompt: 'p', chosen: 'COMPLETE', pred: 'COMPLETE' })}\n`;
    await writeFile(predictions, text);
    expect(
      await guinav('eval', 'static', '--format', 'coords', '--predictions', predictions, '--out', predictions),
    ).toBe(1);
    expect(stderr()).toContain(
      `guinav: --out ${predictions}: is also the input --predictions ${predictions}; writing it would destroy the input (choose another --out)`,
    );
    expect(await readFile(predictions, 'utf8')).toBe(text);
  });

  it('eval interactive --out whose episodes.jsonl is the --tasks file: refused', async () => {
    const run = path.join(dir, 'reuse');
    await mkdir(run, { recursive: true });
    const tasks = path.join(run, 'episodes.jsonl');
    await writeFile(tasks, await readFile(tasksFile, 'utf8'));
    expect(await interactive(run, '--agent', 'oracle', '--observation', 'text', '--tasks', tasks)).toBe(1);
    expect(stderr()).toContain(`guinav: --out ${run}: would write ${tasks}, which is the input --tasks ${tasks}`);
  });

  it.runIf(process.platform === 'linux')(
    'names --out and the path when the folder cannot be written (/sys)',
    async () => {
      const predictions = path.join(dir, 'one-more.jsonl');
      await writeFile(predictions, `${JSON.stringify({ prompt: 'p', chosen: 'COMPLETE', pred: 'COMPLETE' })}\n`);
      const out = '/sys/guinav-test/scores.json';
      expect(await guinav('eval', 'static', '--format', 'coords', '--predictions', predictions, '--out', out)).toBe(1);
      expect(stderr()).toMatch(
        /guinav: --out \/sys\/guinav-test\/scores\.json: cannot write the output \(writing \/sys\/guinav-test\): (permission denied|operation not permitted|read-only file system)/,
      );
      expect(await interactive('/sys/guinav-test', '--agent', 'oracle', '--observation', 'text')).toBe(1);
      expect(stderr()).toMatch(/guinav: --out \/sys\/guinav-test: cannot write the output: .*; nothing was changed/);
    },
  );
});

describe('guinav eval output paths', () => {
  it('refuses an --out that cannot be written before running or scoring anything', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'x');
    expect(await interactive(file, '--agent', 'oracle', '--observation', 'text')).toBe(1);
    expect(stderr()).toContain(`guinav: --out ${file}: exists and is not a directory`);
    expect(stderr()).not.toMatch(/eval interactive episodes:/);
    const predictions = path.join(dir, 'one.jsonl');
    await writeFile(predictions, `${JSON.stringify({ prompt: 'p', chosen: 'COMPLETE', pred: 'COMPLETE' })}\n`);
    expect(await guinav('eval', 'static', '--format', 'coords', '--predictions', predictions, '--out', dir)).toBe(1);
    expect(stderr()).toContain(`guinav: --out ${dir}: is a directory; expected a file path`);
    const under = path.join(file, 'metrics.json');
    expect(await guinav('eval', 'static', '--format', 'coords', '--predictions', predictions, '--out', under)).toBe(1);
    expect(stderr()).toContain(`guinav: --out ${under}: ${file} is a file, not a directory`);
  });
});

describe('guinav eval interactive and Ctrl-C', () => {
  it('stops an oracle run (no I/O between steps), exits 130 and writes nothing', async () => {
    const out = path.join(dir, 'interrupted');
    const code = await interruptedOn(
      /eval interactive episodes: 0\//,
      ...['eval', 'interactive', '--ui-structure', worldFile, '--tasks', tasksFile, '--out', out],
      ...['--agent', 'oracle', '--observation', 'text', '--attempts', '200'],
    );
    expect(code).toBe(130);
    expect(stderr()).toContain('guinav: interrupted (Ctrl-C); nothing was written');
    expect(existsSync(out)).toBe(false);
  });
});

describe('guinav eval static', () => {
  const COMPLETE = 'Explain: this is target page.\tAction: complete';
  const click = (x: number) =>
    `Explain:click Hotel_3 icon on page_7.\tAction: click(start_box='<|box_start|>(${x},260)<|box_end|>')`;

  it('scores GE-Lab predictions into metrics.json', async () => {
    const predictions = path.join(dir, 'gelab.jsonl');
    const rec = (prompt: string, gt: string, pred: string, bbox: number[] | null) =>
      JSON.stringify({ idx: 0, prompt, gt, pred, path: 1, task: 'From page_7 to page_9', bbox_norm: bbox });
    await writeFile(
      predictions,
      [
        rec('<image>Instruction: from page_7 to page_9. History: Null', click(300), click(300), [207, 222, 377, 300]),
        rec('<image>Instruction: from page_7 to page_9. History: step1: x', COMPLETE, COMPLETE, null),
      ].join('\n'),
    );
    const out = path.join(dir, 'static', 'gelab.json');
    expect(await guinav('eval', 'static', '--format', 'gelab', '--predictions', predictions, '--out', out)).toBe(0);
    const m = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(m)).toEqual(['count', 'overall', 'buckets', 'byPathLength', 'taskLevel']);
    expect(m.taskLevel.overall).toEqual({ count: 1, correct: 1, accuracy: 100 });
    expect(String(logs().mock.calls[0]?.[0])).toMatch(/steps 2: overall 100\.00%/);
    expect(String(logs().mock.calls[0]?.[0])).not.toMatch(/incomplete/);
    // The same task with its last step missing: every step right, yet the task is wrong.
    await writeFile(
      predictions,
      rec('<image>Instruction: from page_7 to page_9. History: Null', click(300), click(300), [207, 222, 377, 300]),
    );
    expect(await guinav('eval', 'static', '--format', 'gelab', '--predictions', predictions, '--out', out)).toBe(0);
    expect(String(logs().mock.calls.at(-1)?.[0])).toContain(
      'task level: 0.00% of 1 tasks; 1 task(s) are incomplete (their number of records is not path + 1) and count as wrong, which pulls task accuracy below step accuracy',
    );
  });

  it('scores odyssey predictions on a split and coords records', async () => {
    const predictions = path.join(dir, 'odyssey.jsonl');
    await writeFile(
      predictions,
      `${JSON.stringify({ episode_id: 'e', category: 'Social_Sharing', gt: 'CLICK: (10, 10)', pred: 'CLICK: (12, 12)' })}\n`,
    );
    const out = path.join(dir, 'static', 'odyssey.json');
    expect(
      await guinav(
        'eval',
        'static',
        '--format',
        'odyssey',
        '--split',
        'app',
        '--predictions',
        predictions,
        '--out',
        out,
      ),
    ).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ split: 'app', AMS: 100, SR: 100 });
    const coords = path.join(dir, 'coords.jsonl');
    await writeFile(
      coords,
      `${JSON.stringify({ prompt: 'p', chosen: 'CLICK: (10, 10)', pred: 'CLICK: (900, 900)' })}\n`,
    );
    const coordsOut = path.join(dir, 'static', 'coords.json');
    expect(await guinav('eval', 'static', '--format', 'coords', '--predictions', coords, '--out', coordsOut)).toBe(0);
    expect(JSON.parse(await readFile(coordsOut, 'utf8')).overall).toEqual({ count: 1, correct: 0, accuracy: 0 });
    expect(
      await guinav(
        'eval',
        'static',
        '--format',
        'coords',
        '--split',
        'app',
        '--predictions',
        coords,
        '--out',
        coordsOut,
      ),
    ).toBe(1);
    expect(stderr()).toMatch(/--split only applies to --format odyssey/);
  });

  it("scores the official evaluator's prediction file as it does, with its warnings on stderr", async () => {
    const sample = path.resolve(
      import.meta.dirname,
      ...['..', '..', '..', '..', 'test-fixtures', 'odyssey', 'predictions', 'official-sample-pooled.json'],
    );
    const out = path.join(dir, 'static', 'official.json');
    const args = ['eval', 'static', '--format', 'odyssey', '--split', 'task', '--predictions', sample, '--out', out];
    expect(await guinav(...args)).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ AMS: 76.92, SR: 20, count: 26 });
    expect(String(logs().mock.calls[0]?.[0])).toBe('steps 26, episodes 5: AMS 76.92%, SR 20.00% (task split, pooled)');
    expect(stderr()).toMatch(
      /warning: item 11 \(episode ep_multi_03, step 0\): the ground truth CLICK has an empty sam2_bbox/,
    );
  });

  it('names the line of a malformed prediction and writes no output', async () => {
    const predictions = path.join(dir, 'broken.jsonl');
    await writeFile(
      predictions,
      `${JSON.stringify({ prompt: 'p', gt: COMPLETE, pred: COMPLETE, path: 1, task: 't' })}\n{oops\n`,
    );
    const out = path.join(dir, 'static', 'broken.json');
    expect(await guinav('eval', 'static', '--format', 'gelab', '--predictions', predictions, '--out', out)).toBe(1);
    expect(stderr()).toMatch(new RegExp(`${predictions}: line 2: not valid JSON`));
    expect(existsSync(out)).toBe(false);
  });
});
