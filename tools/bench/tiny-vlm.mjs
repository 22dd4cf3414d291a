#!/usr/bin/env node
// Benchmark of issue 10 (the built-in VLM): greedy decoding of the `tiny` VLM at batch 1 and
// batch 16, and one full fine-tuning step (forward, loss, backward, clipping, AdamW) at batch 4
// on GE-Lab SFT samples, on the CPU backend. Prompts are real GE-Lab first-step and later-step
// prompts with a mini-world screenshot (64 image tokens + the instruction); decoding runs a fixed
// number of new tokens (no end token) so every run does the same work. Prints medians of --runs;
// with --append adds the rows to BENCHMARKS.md.
//   npx nx run-many -t build && node tools/bench/tiny-vlm.mjs [--runs 5] [--new-tokens 32] [--threads 2] [--append]
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  AdamW,
  clipGradNorm,
  collateVisionLM,
  createTinyVlm,
  generate,
  initBackend,
  LlavaProcessor,
  readScalars,
  SftObjective,
  tidy,
  visionLMLogits,
} from '@guinav/trainer-core';

const root = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'new-tokens': { type: 'string', default: '32' },
    threads: { type: 'string', default: '2' },
    size: { type: 'string', default: 'tiny' },
    append: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const newTokens = Number(values['new-tokens']);
const threads = Number(values.threads);
for (const [flag, n] of [
  ['--runs', runs],
  ['--new-tokens', newTokens],
  ['--threads', threads],
]) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected an integer >= 1, got ${n}`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const page = (n) => path.join(root, 'test-fixtures', 'worlds', 'mini', 'images', `page_${n}.png`);

await initBackend('cpu', { cpu: { threads } });
const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-bench-vlm-'));
const results = [];
try {
  const { model } = await createTinyVlm({ dir: path.join(dir, 'model'), size: values.size, seed: 0 });
  const processor = LlavaProcessor.fromFolder(path.join(dir, 'model'));
  const histories = [
    'Null',
    'step1: click home icon on page_9.',
    'step1: click Shopping_41 icon on page_3.step2: click back icon on page_9.',
    'step1: click Animals_523 icon on page_1.step2: click Weather_17 icon on page_6.step3: click back icon on page_16.',
  ];
  const messages = (i) => [
    {
      role: 'user',
      content: `<image>Instruction: from page_${1 + (i % 5)} to page_${10 + (i % 16)}. History: ${histories[i % histories.length]}`,
    },
  ];
  const prompt = async (i) => processor.process(processor.applyChatTemplate(messages(i)), [page(1 + (i % 25))]);

  // Decoding: a fixed number of new tokens per row, greedy.
  for (const batch of [1, 16]) {
    const requests = await Promise.all(Array.from({ length: batch }, (_, i) => prompt(i)));
    const options = { maxNewTokens: newTokens, suppressTokenIds: [processor.imageTokenId] };
    await generate(model, requests, { ...options, maxNewTokens: 2 }); // warm-up
    const total = [];
    const prefill = [];
    for (let r = 0; r < runs; r++) {
      let t = performance.now();
      await generate(model, requests, { ...options, maxNewTokens: 1 });
      prefill.push(performance.now() - t);
      t = performance.now();
      await generate(model, requests, options);
      total.push(performance.now() - t);
    }
    const e2e = (batch * newTokens) / (median(total) / 1000);
    const decode = (batch * (newTokens - 1)) / ((median(total) - median(prefill)) / 1000);
    const tokens = Math.max(...requests.map((q) => q.ids.length));
    results.push({
      workload: `greedy decoding, tiny VLM, batch ${batch}, ${tokens}-token prompt, ${newTokens} new tokens`,
      value: `${decode.toFixed(0)} tokens/s decoding (${e2e.toFixed(0)} tokens/s with the prompt pass, ${median(prefill).toFixed(0)} ms)`,
    });
    console.log(results.at(-1));
  }

  // Training: batch 4 of GE-Lab SFT samples collated and scored as the Trainer does (right padding,
  // completion-only loss), full fine-tuning with AdamW.
  const answer = (i) =>
    i % 4 === 3
      ? 'Explain: this is target page.\tAction: complete'
      : `Explain:click Shopping_${40 + i} icon on page_${3 + i}.\tAction: click(start_box='<|box_start|>(${207 + i},${582 - i})<|box_end|>')`;
  const examples = await Promise.all(
    [0, 1, 2, 3].map((i) => processor.supervisedExample(messages(i), answer(i), [page(2 + i)])),
  );
  const batch = collateVisionLM(examples, {
    padId: processor.tokenizer.specialTokens.pad.id,
    imageTokenId: processor.imageTokenId,
    tokensPerImage: processor.tokensPerImage,
  });
  const length = batch.seq;
  const objective = new SftObjective(visionLMLogits(model));
  const opt = new AdamW(model.namedParameters(), { lr: 1e-4 });
  const step = async () => {
    const t = performance.now();
    const metrics = tidy(() => {
      const { loss } = objective.forward(batch);
      loss.backward();
      return { loss: loss.detach(), gradNorm: clipGradNorm(model.parameters(), 1) };
    });
    opt.step();
    opt.zeroGrad();
    const read = await readScalars(metrics);
    for (const m of Object.values(metrics)) m.dispose();
    return { ms: performance.now() - t, ...read };
  };
  await step();
  await step();
  const steps = [];
  for (let r = 0; r < runs; r++) steps.push((await step()).ms);
  results.push({
    workload: `training step, tiny VLM, batch 4 x ${length} tokens (64 image + text, GE-Lab SFT samples), AdamW full fine-tuning`,
    value: `${median(steps).toFixed(0)} ms/step`,
  });
  console.log(results.at(-1));
  opt.dispose();
  model.dispose();
} finally {
  await rm(dir, { recursive: true, force: true });
}

const machine = `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const command = `\`node tools/bench/tiny-vlm.mjs --runs ${runs} --new-tokens ${newTokens} --threads ${threads}\``;
console.log(`${machine}; median of ${runs} runs; ${threads} kernel threads`);
if (values.append) {
  const date = new Date().toISOString().slice(0, 10);
  const rows = results.map(
    (r) => `| ${date} | ${machine} | ${command} | ${r.workload} | ${r.value} | - | - | - | median of ${runs} |`,
  );
  await appendFile(path.join(root, 'BENCHMARKS.md'), `${rows.join('\n')}\n`);
  console.log('appended to BENCHMARKS.md');
}
