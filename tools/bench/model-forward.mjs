#!/usr/bin/env node
// Benchmark of issue 10: one forward pass (batch 1, the 12 golden input ids) of each family's
// tiny checkpoint in test-fixtures/models, on the CPU backend with its fast kernels, timed from
// the ids tensor to the logits on the host. Loading is not timed; 20 untimed passes
// per model warm up, then the models alternate.
// With --append, adds one row per family (median of --reps) to BENCHMARKS.md.
//   npx nx run-many -t build && node tools/bench/model-forward.mjs [--reps 50] [--append]
import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, loadModel, noGrad, SafetensorsFile, tensor } from '@guinav/trainer-core';

const root = path.resolve(import.meta.dirname, '..', '..');
const models = path.join(root, 'test-fixtures', 'models');
const { values } = parseArgs({
  options: { reps: { type: 'string', default: '50' }, append: { type: 'boolean', default: false } },
});
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps: expected an integer >= 1, got "${values.reps}"`);

const WARMUP = 20;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function firstRow(name) {
  const file = SafetensorsFile.open(path.join(models, 'goldens', `${name}.safetensors`));
  const [, seq] = file.meta('input_ids').shape;
  const ids = Int32Array.from(file.read('input_ids').subarray(0, seq));
  file.close();
  return ids;
}

const { backend } = await initBackend('cpu');
const subjects = [];
for (const name of ['llama', 'qwen2', 'gemma3_text']) {
  const { model, family } = await loadModel(path.join(models, name), { backend, tokenizer: false });
  subjects.push({ name, model, family, ids: firstRow(name), times: [] });
}

async function pass({ model, ids }) {
  const started = performance.now();
  const x = tensor(ids, [1, ids.length], 'i32');
  const logits = noGrad(() => model.forward(x));
  await logits.data();
  logits.dispose();
  x.dispose();
  return performance.now() - started;
}

// Warm up every model first (JIT, thread pool, heap), then alternate them so a change in the
// shared machine's load falls on all three alike.
for (const s of subjects) for (let i = 0; i < WARMUP; i++) await pass(s);
for (let i = 0; i < reps; i++) for (const s of subjects) s.times.push(await pass(s));
const rows = subjects.map((s) => {
  s.model.dispose();
  const ms = median(s.times);
  console.log(`${s.name.padEnd(12)} ${s.family.architecture.padEnd(20)} ${ms.toFixed(3)} ms (median of ${reps})`);
  return { name: s.name, architecture: s.family.architecture, ms, seq: s.ids.length };
});

const cpus = os.cpus();
const machine = `${os.availableParallelism()} cores, ${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
console.log(`on ${machine}, ${backend.name} backend`);
if (values.append) {
  const date = new Date().toISOString().slice(0, 10);
  const command = `\`node tools/bench/model-forward.mjs --reps ${reps} --append\``;
  const lines = rows.map(
    (r) =>
      `| ${date} | ${machine} | ${command} | forward of test-fixtures/models/${r.name} (${r.architecture}), batch 1 x ${r.seq} ids, to host logits | ${r.ms.toFixed(2)} ms | - | - | - | median of ${reps} after ${WARMUP} warm-up passes, models alternating; cpu backend (fast kernels); loading not timed |\n`,
  );
  await appendFile(path.join(root, 'BENCHMARKS.md'), lines.join(''));
  console.log('appended rows to BENCHMARKS.md');
}
