import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures');
const MODEL = path.join(FIXTURES, 'models', 'llava');
const IMAGE = path.join(FIXTURES, 'worlds', 'mini', 'images', 'page_3.png');
const { guinav, stdout, stderr } = cliHarness();
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-vlm-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const logitsOf = async (file: string) => (JSON.parse(await readFile(file, 'utf8')) as { logits: number[][] }).logits;

describe('guinav model (vision-language folders)', () => {
  it('info names the vision tower and its image tokens', async () => {
    expect(await guinav('model', 'info', '--model', MODEL)).toBe(0);
    expect(stdout()).toContain(
      'vision       SigLIP, 2 layers, hidden 32; 32x32 images, patch 8: 16 image tokens (id 3)',
    );
  });

  it('forward --image expands one image token as the processor does (same logits as the expanded ids)', async () => {
    // <|im_start|> user \n <image> Instruction:... <|im_end|>
    const once = path.join(dir, 'once.json');
    expect(
      await guinav(
        'model',
        'forward',
        '--model',
        MODEL,
        '--input-ids',
        '1,301,16,3,326,2',
        '--image',
        IMAGE,
        '--out',
        once,
      ),
    ).toBe(0);
    expect(stderr()).toContain('logits [21, 704]');
    expect(stderr()).toContain('expanded to 16 image tokens');
    vi.restoreAllMocks();
    const expanded = path.join(dir, 'expanded.json');
    const ids = ['1', '301', '16', ...new Array(16).fill('3'), '326', '2'].join(',');
    expect(
      await guinav('model', 'forward', '--model', MODEL, '--input-ids', ids, '--image', IMAGE, '--out', expanded),
    ).toBe(0);
    expect(await logitsOf(expanded)).toEqual(await logitsOf(once));
  });

  it('forward refuses an image token without --image, and a count that is neither 1 nor the patch count', async () => {
    const out = path.join(dir, 'bad.json');
    expect(await guinav('model', 'forward', '--model', MODEL, '--input-ids', '1,3,2', '--out', out)).toBe(1);
    expect(stderr()).toContain('--input-ids: holds the image token 3; pass the screenshot with --image');
    expect(
      await guinav('model', 'forward', '--model', MODEL, '--input-ids', '3,3', '--image', IMAGE, '--out', out),
    ).toBe(1);
    expect(stderr()).toContain(
      'expected the image token 3 once (or 16 times, already expanded) for --image, found it 2 times',
    );
  });

  it('create writes a tiny VLM folder that info reads back', async () => {
    const out = path.join(dir, 'tiny');
    expect(await guinav('model', 'create', '--out', out, '--seed', '1')).toBe(0);
    expect(stdout()).toContain(
      'the tiny VLM (LLaVA: SigLIP + Llama), 2,612,928 parameters, seed 1; 224x224 screenshots as 64 image tokens',
    );
    vi.restoreAllMocks();
    expect(await guinav('model', 'info', '--model', out)).toBe(0);
    expect(stdout()).toContain('parameters   2,612,928');
    expect(await guinav('model', 'create', '--out', out)).toBe(1);
    expect(stderr()).toContain('not empty (refusing to overwrite it)');
    expect(await guinav('model', 'create', '--out', path.join(dir, 'x'), '--size', 'huge')).toBe(1);
    expect(stderr()).toContain('--size: expected one of tiny, small, got "huge"');
  });
});

describe('guinav infer', () => {
  it('prints the reply; greedy is deterministic and --json adds tokens and the finish reason', async () => {
    const args = [
      'infer',
      '--model',
      MODEL,
      '--image',
      IMAGE,
      '--prompt',
      'Instruction: from page_3 to page_12. History: Null',
    ];
    expect(await guinav(...args, '--max-new-tokens', '6', '--json')).toBe(0);
    const reply = JSON.parse(stdout()) as { text: string; tokens: number[]; finish_reason: string };
    expect(reply.tokens.length).toBeLessThanOrEqual(6);
    expect(['length', 'eos']).toContain(reply.finish_reason);
    vi.restoreAllMocks();
    expect(await guinav(...args, '--max-new-tokens', '6')).toBe(0);
    expect(stdout()).toBe(reply.text);
  });

  it('names what is wrong: a text-only folder, a missing image, a bad flag', async () => {
    const text = path.join(FIXTURES, 'models', 'llama');
    expect(await guinav('infer', '--model', text, '--image', IMAGE, '--prompt', 'x')).toBe(1);
    expect(stderr()).toContain('infer runs vision-language (model_type "llava") folders; this one is "llama"');
    expect(await guinav('infer', '--model', MODEL, '--image', path.join(dir, 'none.png'), '--prompt', 'x')).toBe(1);
    expect(stderr()).toMatch(/none\.png: cannot read the image \(ENOENT\)/);
    expect(await guinav('infer', '--model', MODEL, '--image', IMAGE, '--prompt', 'x', '--top-p', '2')).toBe(1);
    expect(stderr()).toContain('--top-p: expected a number in (0, 1], got 2');
    expect(await guinav('infer', '--model', path.join(dir, 'nope'), '--image', IMAGE, '--prompt', 'x')).toBe(1);
    expect(stderr()).toContain(`--model ${path.join(dir, 'nope')}: no such folder`);
  });
});
