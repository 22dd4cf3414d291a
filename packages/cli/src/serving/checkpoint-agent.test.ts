import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadWorld, subtreeTasks } from '@guinav/data-gen';
import { runInteractive } from '@guinav/eval-env';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';
import { LLAMA_FIXTURE as LLAMA, MINI_WORLD as MINI, VLM_FIXTURE as VLM } from '../test-utils/fixtures.js';
import { CheckpointAgent } from './checkpoint-agent.js';
import { openLocalModel } from './local-model.js';

const { guinav, stderr } = cliHarness();
let dir = '';
let tasksFile = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-checkpoint-agent-'));
  const world = await loadWorld(path.join(MINI, 'ui_structure.json'));
  const tasks = subtreeTasks(world, 4)
    .slice(0, 6)
    .map(({ source, target, pathLength }) => ({ source, target, pathLength }));
  tasksFile = path.join(dir, 'tasks_test.json');
  await writeFile(tasksFile, JSON.stringify({ subtree: 4, tasks }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('CheckpointAgent', () => {
  it("batches the concurrent episodes' prompts into one generation call; each answer is the one it gets alone", async () => {
    const world = await loadWorld(path.join(MINI, 'ui_structure.json'));
    const tasks = subtreeTasks(world, 4).slice(0, 6);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const model = await openLocalModel({
      model: VLM,
      device: 'cpu',
      generation: { maxNewTokens: 5 },
      maxBatch: 3,
      waitMs: 5,
    });
    const agent = new CheckpointAgent(model);
    expect(agent.name).toBe('checkpoint:llava');
    const run = await runInteractive({
      world,
      tasks,
      agent,
      imagesDir: path.join(MINI, 'images'),
      concurrency: 3,
      maxSteps: 2,
    });
    // One generation row per step of every episode, 3 episodes in flight.
    const steps = run.episodes.reduce((n, e) => n + e.steps.length, 0);
    expect(model.chat.batchSizes.reduce((a, b) => a + b, 0)).toBe(steps);
    expect(Math.max(...model.chat.batchSizes)).toBe(3);
    expect(model.chat.batchSizes.length).toBeLessThanOrEqual(Math.ceil(steps / 3) + 1);
    for (const episode of run.episodes) {
      const messages = [
        {
          role: 'user' as const,
          content: `<image>Instruction: from ${episode.source} to ${episode.target}. History: Null`,
        },
      ];
      const alone = await model.chat.respond({
        messages,
        images: [path.join(MINI, 'images', `${episode.source}.png`)],
      });
      expect(episode.steps[0]!.action).toBe(alone.text);
    }
    model.dispose();
  });
});

describe('guinav eval interactive --agent checkpoint', () => {
  const interactive = (out: string, ...extra: string[]) =>
    guinav(
      ...['eval', 'interactive', '--ui-structure', path.join(MINI, 'ui_structure.json'), '--tasks', tasksFile],
      ...['--out', out, '--agent', 'checkpoint', '--device', 'cpu', '--max-tokens', '4', '--max-steps', '2'],
      ...extra,
    );

  it('evaluates a local VLM on screenshots with episodes in flight together', async () => {
    const out = path.join(dir, 'vlm');
    const code = await interactive(
      out,
      '--checkpoint',
      VLM,
      '--images-dir',
      path.join(MINI, 'images'),
      '--concurrency',
      '4',
    );
    expect(stderr()).not.toMatch(/guinav:/);
    expect(code).toBe(0);
    const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.settings).toMatchObject({ agent: 'checkpoint:llava', observation: 'image' });
    expect(metrics.episodes).toBe(6);
    expect(metrics.stepOutcomes['agent-error']).toBe(0);
  });

  it('runs a text model on the text observation, and refuses it screenshots before loading', async () => {
    const out = path.join(dir, 'text');
    expect(await interactive(out, '--checkpoint', LLAMA, '--images-dir', path.join(MINI, 'images'))).toBe(1);
    expect(stderr()).toContain(`--checkpoint ${LLAMA}: a text model cannot see screenshots; use --observation text`);
    vi.restoreAllMocks();
    expect(await interactive(out, '--checkpoint', LLAMA, '--observation', 'text')).toBe(0);
    const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.settings).toMatchObject({ agent: 'checkpoint:llama', observation: 'text' });
    expect(metrics.stepOutcomes['agent-error']).toBe(0);
  });

  it('names missing and misplaced flags', async () => {
    const out = path.join(dir, 'x');
    expect(await interactive(out, '--observation', 'text')).toBe(1);
    expect(stderr()).toContain('--agent checkpoint needs --checkpoint (a model folder)');
    expect(await interactive(out, '--observation', 'text', '--checkpoint', LLAMA, '--base-url', 'http://x')).toBe(1);
    expect(stderr()).toContain('--base-url applies only to --agent http (got --agent checkpoint)');
    expect(
      await guinav(
        ...['eval', 'interactive', '--ui-structure', path.join(MINI, 'ui_structure.json'), '--tasks', tasksFile],
        ...['--out', out, '--agent', 'random', '--observation', 'text', '--temperature', '1', '--adapter', 'a'],
      ),
    ).toBe(1);
    expect(stderr()).toContain('--temperature, --adapter apply only to --agent checkpoint (got --agent random)');
  });
});
