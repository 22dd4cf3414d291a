import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cliHarness } from '../test-utils/cli-harness.js';
import { MINI_WORLD as MINI, ODYSSEY_FIXTURE as ODYSSEY } from '../test-utils/fixtures.js';

const { guinav, stdout, stderr } = cliHarness();
let dir = '';
let data = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-export-'));
  data = path.join(dir, 'data');
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const { runCli } = await import('../program.js');
  const args = ['data', 'gelab', '--ui-structure', path.join(MINI, 'ui_structure.json'), '--images-dir'];
  await runCli([
    'node',
    'guinav',
    ...args,
    path.join(MINI, 'images'),
    '--out',
    data,
    '--dpo',
    '--image-paths',
    'relative',
  ]);
  vi.restoreAllMocks();
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

type Json = Record<string, unknown>;
const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Json);
const sftRecords = async () =>
  JSON.parse(await readFile(path.join(data, 'sft.json'), 'utf8')) as {
    messages: { role: string; content: string }[];
    images: string[];
  }[];
const bashSyntaxOk = (file: string) => spawnSync('bash', ['-n', file]).status === 0;
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Fields of TRL's dataclasses the configs may use (trl@f2cd577: ModelConfig, SFTConfig/DPOConfig, TrainingArguments). */
const TRL_KEYS = new Set(
  [
    'model_name_or_path dtype use_peft lora_r lora_alpha lora_dropout lora_target_modules',
    'output_dir num_train_epochs learning_rate lr_scheduler_type warmup_steps per_device_train_batch_size',
    'gradient_accumulation_steps gradient_checkpointing bf16 max_length logging_steps save_steps save_total_limit report_to',
    'beta',
  ]
    .join(' ')
    .split(' '),
);

describe('guinav export --format swift', () => {
  it("writes ms-swift's standard records with absolute image paths and runnable sft/dpo scripts", async () => {
    const out = path.join(dir, 'swift');
    expect(await guinav('export', '--format', 'swift', '--data', data, '--out', out)).toBe(0);
    expect(stderr()).not.toMatch(/guinav:/);
    expect((await readdir(out)).sort()).toEqual(['README.md', 'dpo.jsonl', 'dpo.sh', 'sft.jsonl', 'sft.sh']);
    const source = await sftRecords();
    const sft = await lines(path.join(out, 'sft.jsonl'));
    expect(sft).toHaveLength(source.length);
    // The same conversation; the relative image paths data-gen wrote become absolute ones.
    expect(sft[0]).toEqual({
      messages: source[0]!.messages,
      images: [path.resolve(data, source[0]!.images[0]!)],
    });
    const pairs = await lines(path.join(data, 'dpo.jsonl'));
    const dpo = await lines(path.join(out, 'dpo.jsonl'));
    expect(dpo).toHaveLength(pairs.length);
    expect(dpo[3]).toEqual({
      messages: [
        { role: 'user', content: pairs[3]!.prompt },
        { role: 'assistant', content: pairs[3]!.chosen },
      ],
      images: [path.resolve(data, (pairs[3]!.images as string[])[0]!)],
      rejected_response: pairs[3]!.rejected,
    });
    for (const script of ['sft.sh', 'dpo.sh']) {
      const file = path.join(out, script);
      expect(bashSyntaxOk(file)).toBe(true);
      expect(statSync(file).mode & 0o111).not.toBe(0);
    }
    const sftSh = await readFile(path.join(out, 'sft.sh'), 'utf8');
    expect(sftSh).toMatch(/swift sft \\\n {2}--model "\$MODEL" \\\n {2}--dataset sft\.jsonl/);
    for (const flag of ['--tuner_type lora', '--deepspeed zero2', '--create_checkpoint_symlink true', '"$@"']) {
      expect(sftSh).toContain(flag);
    }
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
    expect(sftSh).toContain('MODEL=${MODEL:-Qwen/Qwen2.5-VL-7B-Instruct}');
    const dpoSh = await readFile(path.join(out, 'dpo.sh'), 'utf8');
    expect(dpoSh).toContain('swift export --adapters "$SFT_ADAPTER" --merge_lora true --output_dir "$SFT_MERGED"');
    expect(dpoSh).toMatch(
      /swift rlhf \\\n {2}--rlhf_type dpo \\\n {2}--model "\$SFT_MERGED" \\\n {2}--dataset dpo\.jsonl/,
    );
    expect(stdout()).toContain(`run: bash ${path.join(out, 'sft.sh')} && bash ${path.join(out, 'dpo.sh')}`);
  });

  it('runs the scripts with the settings from the environment (swift itself stubbed)', async () => {
    const out = path.join(dir, 'swift-run');
    expect(
      await guinav('export', '--format', 'swift', '--data', data, '--out', out, '--model', '/models/tiny-vlm'),
    ).toBe(0);
    const bin = path.join(dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    // A stand-in for swift and nvidia-smi that prints what it was called with.
    execFileSync('bash', [
      '-c',
      `printf '#!/bin/sh\\necho "swift $*"\\n' > ${bin}/swift && printf '#!/bin/sh\\necho GPU 0; echo GPU 1\\n' > ${bin}/nvidia-smi && chmod +x ${bin}/*`,
    ]);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const sft = execFileSync('bash', [path.join(out, 'sft.sh'), '--num_train_epochs', '3'], { env, encoding: 'utf8' });
    expect(sft).toMatch(
      /^swift sft --model \/models\/tiny-vlm --dataset sft\.jsonl .* --output_dir output\/sft --num_train_epochs 3$/m,
    );
    const dpo = execFileSync('bash', [path.join(out, 'dpo.sh')], {
      env: { ...env, SFT_ADAPTER: 'ckpt' },
      encoding: 'utf8',
    });
    expect(dpo.split('\n')[0]).toBe('swift export --adapters ckpt --merge_lora true --output_dir output/sft-merged');
    expect(dpo).toMatch(/^swift rlhf --rlhf_type dpo --model output\/sft-merged --dataset dpo\.jsonl --beta 0\.1 /m);
  });
});

describe('guinav export --format trl', () => {
  it("writes TRL's conversational records with image parts, configs TrlParser reads, and accelerate launchers", async () => {
    const out = path.join(dir, 'trl');
    expect(await guinav('export', '--format', 'trl', '--data', data, '--out', out)).toBe(0);
    expect((await readdir(out)).sort()).toEqual(
      ['README.md', 'accelerate_zero2.yaml', 'dpo.jsonl', 'dpo.py', 'dpo.sh', 'dpo.yaml'].concat([
        'sft.jsonl',
        'sft.py',
        'sft.sh',
        'sft.yaml',
      ]),
    );
    const source = await sftRecords();
    const [first] = await lines(path.join(out, 'sft.jsonl'));
    const prompt = source[0]!.messages[0]!.content;
    expect(prompt.startsWith('<image>')).toBe(true);
    expect(first).toEqual({
      prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: prompt.slice('<image>'.length) }] }],
      completion: [{ role: 'assistant', content: [{ type: 'text', text: source[0]!.messages[1]!.content }] }],
      images: [path.resolve(data, source[0]!.images[0]!)],
    });
    const [pair] = await lines(path.join(out, 'dpo.jsonl'));
    expect(Object.keys(pair!).sort()).toEqual(['chosen', 'images', 'prompt', 'rejected']);
    for (const [name, extra] of [
      ['sft.yaml', ['train_file']],
      ['dpo.yaml', ['train_file', 'sft_adapter', 'sft_merged']],
    ] as const) {
      const config = parseYaml(await readFile(path.join(out, name), 'utf8')) as Json;
      const unknown = Object.keys(config).filter((k) => !TRL_KEYS.has(k) && !(extra as readonly string[]).includes(k));
      expect(unknown).toEqual([]);
      expect(config).toMatchObject({ use_peft: true, lora_target_modules: 'all-linear', max_length: null, bf16: true });
    }
    expect(parseYaml(await readFile(path.join(out, 'accelerate_zero2.yaml'), 'utf8'))).toMatchObject({
      distributed_type: 'DEEPSPEED',
      deepspeed_config: { zero_stage: 2 },
    });
    expect(await readFile(path.join(out, 'sft.sh'), 'utf8')).toContain(
      'accelerate launch --config_file accelerate_zero2.yaml --num_processes "$NPROC_PER_NODE" \\\n  sft.py --config sft.yaml --model_name_or_path "$MODEL" "$@"',
    );
    for (const script of ['sft.sh', 'dpo.sh']) expect(bashSyntaxOk(path.join(out, script))).toBe(true);
  });

  it.skipIf(!hasPython)('writes Python scripts that compile', async () => {
    const out = path.join(dir, 'trl');
    const files = ['sft.py', 'dpo.py'].map((f) => path.join(out, f));
    const check = 'import ast, sys\nfor f in sys.argv[1:]: ast.parse(open(f).read(), f)';
    const result = spawnSync('python3', ['-c', check, ...files]);
    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(0);
  });

  it('exports GUI-Odyssey preference pairs: SFT on each distinct prompt with its chosen action', async () => {
    const pairsFile = path.join(dir, 'odyssey-pairs.jsonl');
    expect(await guinav('data', 'odyssey-dpo', '--episodes', ODYSSEY, '--out', pairsFile)).toBe(0);
    vi.restoreAllMocks();
    const out = path.join(dir, 'odyssey-trl');
    expect(await guinav('export', '--format', 'trl', '--data', pairsFile, '--out', out)).toBe(0);
    const pairs = await lines(pairsFile);
    const distinct = new Set(pairs.map((p) => JSON.stringify([p.prompt, p.images, p.chosen])));
    expect(await lines(path.join(out, 'sft.jsonl'))).toHaveLength(distinct.size);
    expect(await lines(path.join(out, 'dpo.jsonl'))).toHaveLength(pairs.length);
    expect(distinct.size).toBeLessThan(pairs.length);
  });
});

describe('guinav export: bad inputs', () => {
  it('names a folder without sft.json, an --out inside --data, and a missing image; writes nothing', async () => {
    const out = path.join(dir, 'bad');
    expect(await guinav('export', '--format', 'swift', '--data', MINI, '--out', out)).toBe(1);
    expect(stderr()).toContain(`--data ${MINI}: no sft.json; expected the folder guinav data gelab wrote`);
    expect(await guinav('export', '--format', 'trl', '--data', data, '--out', path.join(data, 'trl'))).toBe(1);
    expect(stderr()).toMatch(/--out .*trl: is inside --data/);
    const broken = path.join(dir, 'broken.jsonl');
    const pair = { prompt: '<image>x', chosen: 'CLICK: (1, 2)', rejected: 'PRESS_HOME', images: ['gone.png'] };
    await writeFile(broken, `${JSON.stringify(pair)}\n`);
    expect(await guinav('export', '--format', 'trl', '--data', broken, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/broken\.jsonl: 1 image\(s\) missing: .*gone\.png \(line 1\)/);
    expect(await guinav('export', '--format', 'nope', '--data', data, '--out', out)).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});
