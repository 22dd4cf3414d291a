import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures');
const MODEL = path.join(FIXTURES, 'models', 'llava');
const IMAGE = path.join(FIXTURES, 'worlds', 'mini', 'images', 'page_3.png');
const { guinav, stdout, stderr } = cliHarness();
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-infer-cli-'));
});
afterEach(() => vi.restoreAllMocks());

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
    const text = path.join(dir, 'text-model');
    await import('node:fs/promises').then((fs) => fs.mkdir(text));
    await writeFile(
      path.join(text, 'config.json'),
      JSON.stringify({
        model_type: 'llama',
        vocab_size: 8,
        hidden_size: 8,
        intermediate_size: 8,
        num_hidden_layers: 1,
        num_attention_heads: 2,
      }),
    );
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
