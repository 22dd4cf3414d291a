#!/usr/bin/env node
// Benchmark of issue 16 (GRPO): the time of one GRPO step of the built-in `tiny` VLM on the `mini`
// world's RL data, and the rollouts it samples per second, through the same code as
// `guinav train grpo` (runGrpoStage), on the CPU backend: single-turn (st_rl.json, 8 completions
// of one prompt per step) and multi-turn (mt_rl.json, 8 episodes of up to max_turns turns in the
// simulator, gelab_multi_turn). Settings are the defaults (num_generations 8, batch 8, beta 0.04
// with a frozen reference copy, full fine-tuning) except max_completion_length, 24 tokens: a
// GE-Lab answer is 20 tokens and its end, and an untrained model writes until the limit, so every
// completion costs what a well-formed click costs. Step times come from the trainer's step events;
// the first two steps are left out (warm-up). With --append adds the rows to BENCHMARKS.md.
//   npx nx run-many -t build && node tools/bench/grpo.mjs [--steps 8] [--stage st|mt|both] [--append]
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runGrpoStage } from '@guinav/cli';
import { GELAB_OUTPUT_FILES, writeGelabDatasets } from '@guinav/data-gen';
import { createTinyVlm } from '@guinav/trainer-core';

const root = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '8' },
    stage: { type: 'string', default: 'both' },
    'max-turns': { type: 'string', default: '8' },
    append: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`node tools/bench/grpo.mjs [--steps 8] [--stage st|mt|both] [--max-turns 8] [--append]
Times GRPO steps of the untrained built-in tiny VLM on the mini world's st_rl / mt_rl data (CPU backend,
max_completion_length 24, otherwise the GRPO defaults): median step time after 2 warm-up steps, and
completions (st) or episodes (mt) per second. --append adds the rows to BENCHMARKS.md.`);
  process.exit(0);
}
const steps = Number(values.steps);
const maxTurns = Number(values['max-turns']);
if (!Number.isInteger(steps) || steps < 3) throw new Error(`--steps: expected an integer >= 3, got ${values.steps}`);
const stages = values.stage === 'both' ? ['st', 'mt'] : [values.stage];
if (!stages.every((s) => s === 'st' || s === 'mt')) throw new Error(`--stage: expected st, mt or both`);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const world = path.join(root, 'test-fixtures', 'worlds', 'mini');
const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-bench-grpo-'));
const results = [];
try {
  const data = path.join(dir, 'data');
  await writeGelabDatasets({
    uiStructure: path.join(world, 'ui_structure.json'),
    imagesDir: path.join(world, 'images'),
    outDir: data,
  });
  const model = path.join(dir, 'tiny-vlm');
  (await createTinyVlm({ dir: model, size: 'tiny', seed: 0 })).model.dispose();
  for (const stage of stages) {
    const times = [];
    const lengths = [];
    let last = 0;
    const { result } = await runGrpoStage({
      dataset: path.join(data, stage === 'st' ? GELAB_OUTPUT_FILES.stRl : GELAB_OUTPUT_FILES.mtRl),
      stage,
      model,
      uiStructure: path.join(world, 'ui_structure.json'),
      config: {
        output_dir: path.join(dir, `grpo-${stage}`),
        max_steps: steps,
        logging_steps: 1,
        save_strategy: 'no',
        max_completion_length: 24,
        max_turns: maxTurns,
        device: 'cpu',
      },
      onEvent: (e) => {
        if (e.type === 'start') last = performance.now();
        if (e.type === 'step') {
          times.push(performance.now() - last);
          last = performance.now();
        }
        if (e.type === 'log') lengths.push(e.record.completion_length);
      },
    });
    const ms = median(times.slice(2));
    const rollouts = (8 / ms) * 1000;
    const what =
      stage === 'st'
        ? 'single-turn: 1 st_rl prompt x 8 completions (<= 24 tokens)'
        : `multi-turn: 1 mt_rl task x 8 episodes of <= ${maxTurns} turns (<= 24 tokens each) in the simulator`;
    results.push({
      workload: `GRPO step, tiny VLM (untrained), mini world, ${what}; policy + reference forward, backward, AdamW full fine-tuning`,
      value: `${(ms / 1000).toFixed(2)} s/step, ${rollouts.toFixed(1)} ${stage === 'st' ? 'completions' : 'episodes'}/s (completion_length ${median(lengths).toFixed(1)})`,
    });
    console.log(results.at(-1), `(${result.globalStep} steps)`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const load = os.loadavg()[0].toFixed(1);
const machine = `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const command = `\`node tools/bench/grpo.mjs --steps ${steps} --stage ${values.stage} --max-turns ${maxTurns}\``;
console.log(`${machine}; median of ${steps - 2} steps; load average ${load}`);
if (values.append) {
  const date = new Date().toISOString().slice(0, 10);
  const rows = results.map(
    (r) =>
      `| ${date} | ${machine} | ${command} | ${r.workload} | ${r.value} | - | - | - | median of ${steps - 2} steps after 2 warm-up steps; load average ${load} at the end |`,
  );
  await appendFile(path.join(root, 'BENCHMARKS.md'), `${rows.join('\n')}\n`);
  console.log('appended to BENCHMARKS.md');
}
