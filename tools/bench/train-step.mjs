#!/usr/bin/env node
// Benchmark of issue 12 (SFT and DPO): one training step of the built-in `tiny` VLM (full
// fine-tuning: forward, loss, backward, clipping, AdamW, the packed metrics read) on B GE-Lab
// preference pairs of the `mini` world (`guinav data gelab --dpo`: chosen = the ground truth,
// rejected = a plausible wrong answer), three ways:
//   sft          SFT on the CHOSEN sequences of the B pairs (the same tokens and screenshots);
//   dpo-live     DPO on the B pairs with the live reference (a frozen copy of the start model,
//                as `guinav train dpo` uses after full fine-tuning), one reference forward per step;
//   dpo-precomp  DPO on the same pairs with reference log-probs precomputed before training
//                (precompute_ref_log_probs: no reference forward in the step).
// Batches are collated once, as the Trainer collates them; the three steps alternate in each round,
// so drift of a shared machine hits them alike; medians of --runs rounds after 2 warm-up rounds.
// Prints ms/step, samples/s (pairs for DPO), tokens/s (non-padding tokens, chosen + rejected for
// DPO), the DPO/SFT ratio (target <= 2.2x) and memory: the most bytes the backend held during a
// step beyond what was live before it (CPU heap high-water; WebGPU buffers sampled after the
// forward and the backward), what stays resident, and the process RSS (max sampled).
// --device webgpu runs it on a WebGPU adapter when one exists. With --append adds rows to BENCHMARKS.md.
//   npx nx run-many -t build && node tools/bench/train-step.mjs [--runs 7] [--pairs 4] [--threads 2] [--device cpu|webgpu] [--append]
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GELAB_OUTPUT_FILES, writeGelabDatasets } from '@guinav/data-gen';
import { collateVisionPreference, DpoObjective, precomputeReferenceLogps } from '@guinav/dpo';
import {
  AdamW,
  CpuBackend,
  clipGradNorm,
  collateVisionExamples,
  createTinyVlm,
  IGNORE_INDEX,
  initBackend,
  LlavaProcessor,
  listWebGpuAdapters,
  loadModel,
  loadPixels,
  messageText,
  readPreferencePairs,
  readScalars,
  SftObjective,
  tidy,
  visionLMLogits,
  WebGpuBackend,
} from '@guinav/trainer-core';

const root = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    pairs: { type: 'string', default: '4' },
    threads: { type: 'string', default: '2' },
    device: { type: 'string', default: 'cpu' },
    append: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const pairCount = Number(values.pairs);
const threads = Number(values.threads);
for (const [flag, n] of [
  ['--runs', runs],
  ['--pairs', pairCount],
  ['--threads', threads],
]) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected an integer >= 1, got ${n}`);
}
if (values.device !== 'cpu' && values.device !== 'webgpu') {
  throw new Error(`--device: expected cpu or webgpu, got "${values.device}"`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Bytes the backend holds: the CPU heap's exact high-water mark, or WebGPU's buffers sampled. */
function backendMemory(backend) {
  if (backend instanceof CpuBackend) {
    return {
      live: () => backend.heap.stats().liveBytes,
      reset: () => backend.heap.resetPeak(),
      sample: () => {},
      peak: () => backend.heap.stats().peakLiveBytes,
    };
  }
  if (backend instanceof WebGpuBackend) {
    let peak = 0;
    const live = () => backend.stats().liveBytes;
    return {
      live,
      reset: () => {
        peak = live();
      },
      sample: () => {
        peak = Math.max(peak, live());
      },
      peak: () => peak,
    };
  }
  return undefined;
}

let rssPeak = 0;
const sampleRss = () => {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
};

const { backend, choice } = await initBackend(values.device, { cpu: { threads } });
const memory = backendMemory(backend);
const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-bench-train-step-'));
const results = [];
let workload = '';
try {
  const world = path.join(root, 'test-fixtures', 'worlds', 'mini');
  const data = path.join(dir, 'data');
  await writeGelabDatasets({
    uiStructure: path.join(world, 'ui_structure.json'),
    imagesDir: path.join(world, 'images'),
    outDir: data,
    dpo: true,
  });
  const modelDir = path.join(dir, 'model');
  const { model } = await createTinyVlm({ dir: modelDir, size: 'tiny', seed: 0 });
  const processor = LlavaProcessor.fromFolder(modelDir);
  const padId = processor.tokenizer.specialTokens.pad.id;

  // The pairs as `guinav train dpo` tokenizes them for a VLM; the SFT examples are their chosen rows.
  const all = readPreferencePairs(path.join(data, GELAB_OUTPUT_FILES.dpo));
  if (all.length < pairCount) throw new Error(`--pairs: the mini world gives ${all.length} pairs, asked ${pairCount}`);
  const examples = all.slice(0, pairCount).map((p) => ({
    prompt: Int32Array.from(processor.promptIds(p.prompt)),
    chosen: Int32Array.from(processor.answerIds(messageText(p.chosen[0], p.where))),
    rejected: Int32Array.from(processor.answerIds(messageText(p.rejected[0], p.where))),
    images: p.images,
  }));
  const collatePairs = (es) =>
    collateVisionPreference(es, { padId, maxPromptLength: null, truncationMode: 'keep_start' }, (lists) =>
      loadPixels(processor, lists),
    );
  const sftBatch = await collateVisionExamples(
    processor,
    examples.map((e) => ({
      inputIds: Int32Array.from([...e.prompt, ...e.chosen]),
      labels: Int32Array.from([...new Array(e.prompt.length).fill(IGNORE_INDEX), ...e.chosen]),
      images: e.images,
    })),
    { padId, maxLength: null },
  );
  const dpoBatch = await collatePairs(examples);

  // The reference: a frozen copy of the start model (full fine-tuning), loaded before any step.
  const reference = (await loadModel(modelDir, { backend, tokenizer: false })).model.freeze().eval();
  const prePass = () =>
    precomputeReferenceLogps(examples, {
      collate: collatePairs,
      reference: visionLMLogits(reference),
      batchSize: pairCount,
    });
  const precomputed = await prePass();
  const precompBatch = await collatePairs(precomputed);

  // The policy's forward samples memory at its peak (activations live, before the backward).
  const policyLogits = visionLMLogits(model);
  const policy = (batch) => {
    const logits = policyLogits(batch);
    memory?.sample();
    sampleRss();
    return logits;
  };
  const beta = 0.1;
  const configs = [
    { name: 'sft', objective: new SftObjective(policy), batch: sftBatch, samples: pairCount },
    {
      name: 'dpo-live',
      objective: new DpoObjective({ policy, reference: visionLMLogits(reference), beta }),
      batch: dpoBatch,
      samples: pairCount,
    },
    { name: 'dpo-precomp', objective: new DpoObjective({ policy, beta }), batch: precompBatch, samples: pairCount },
  ];
  const opt = new AdamW(model.namedParameters(), { lr: 1e-5 });
  const step = async (c) => {
    memory?.reset();
    const before = memory?.live() ?? 0;
    const t = performance.now();
    const metrics = tidy(() => {
      const { loss } = c.objective.forward(c.batch);
      loss.backward();
      memory?.sample();
      return { loss: loss.detach(), gradNorm: clipGradNorm(model.parameters(), 1) };
    });
    opt.step();
    opt.zeroGrad();
    const read = await readScalars(metrics);
    for (const m of Object.values(metrics)) m.dispose();
    const ms = performance.now() - t;
    sampleRss();
    if (!Number.isFinite(read.loss)) throw new Error(`${c.name}: loss ${read.loss}`);
    return { ms, stepBytes: (memory?.peak() ?? 0) - before };
  };
  const times = Object.fromEntries(configs.map((c) => [c.name, []]));
  const stepBytes = Object.fromEntries(configs.map((c) => [c.name, 0]));
  for (let round = 0; round < runs + 2; round++) {
    for (const c of configs) {
      const r = await step(c);
      if (round >= 2) times[c.name].push(r.ms);
      stepBytes[c.name] = Math.max(stepBytes[c.name], r.stepBytes);
    }
  }

  // The pre-pass once warm: collating (reading the screenshots) and one reference forward.
  const preStart = performance.now();
  await prePass();
  const precompMs = performance.now() - preStart;
  const paramBytes = (m) => m.parameters().reduce((s, p) => s + p.size * 4, 0);
  const sftMs = median(times.sft);
  const describe = {
    sft: `SFT step on the chosen sequences of ${pairCount} pairs (batch ${sftBatch.batch} x ${sftBatch.seq} tokens)`,
    'dpo-live': `DPO step on the same ${pairCount} pairs (batch ${dpoBatch.batch} x ${dpoBatch.seq}), live reference (frozen copy, one forward)`,
    'dpo-precomp': `DPO step on the same ${pairCount} pairs (batch ${precompBatch.batch} x ${precompBatch.seq}), precompute_ref_log_probs (no reference forward)`,
  };
  workload = `tiny VLM full fine-tuning (AdamW), mini-world GE-Lab DPO pairs, ${choice.device}`;
  for (const c of configs) {
    const ms = median(times[c.name]);
    const ratio = c.name === 'sft' ? undefined : ms / sftMs;
    results.push({
      workload: `${describe[c.name]}; ${workload}`,
      value:
        `${ms.toFixed(0)} ms/step, ${((c.samples * 1000) / ms).toFixed(1)} ${c.name === 'sft' ? 'samples' : 'pairs'}/s, ` +
        `${((c.batch.tokens * 1000) / ms).toFixed(0)} tokens/s; step working memory ${memory ? mib(stepBytes[c.name]) : 'n/a'}`,
      ratio: ratio === undefined ? '-' : `${ratio.toFixed(2)}x`,
      target: ratio === undefined ? '-' : `<= 2.2x (${ratio <= 2.2 ? 'met' : 'not met'})`,
    });
    console.log(results.at(-1));
  }
  const resident =
    `resident: policy ${mib(paramBytes(model))}, AdamW state ${mib(2 * paramBytes(model))}, ` +
    `reference copy ${mib(paramBytes(reference))} (not needed with precompute_ref_log_probs); ` +
    `backend ${memory ? mib(memory.live()) : 'n/a'} live at the end, process RSS max ${mib(rssPeak)}; ` +
    `the reference pre-pass (collate + forward) takes ${precompMs.toFixed(0)} ms per ${pairCount} pairs`;
  console.log(resident);
  results.forEach((r) => {
    r.note = resident;
  });
  opt.dispose();
  reference.dispose();
  model.dispose();
} finally {
  await rm(dir, { recursive: true, force: true });
}

const load = os.loadavg()[0].toFixed(1);
const adapter =
  choice.device === 'webgpu'
    ? `, WebGPU adapter ${(await listWebGpuAdapters()).map((a) => `${a.kind} ${a.description}`).join(' / ')}`
    : '';
const machine = `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}${adapter}`;
const command = `\`node tools/bench/train-step.mjs --runs ${runs} --pairs ${pairCount} --threads ${threads} --device ${values.device}\``;
console.log(`${machine}; median of ${runs} rounds after 2 warm-up rounds; load average ${load}`);
if (values.append) {
  const date = new Date().toISOString().slice(0, 10);
  const rows = results.map(
    (r) =>
      `| ${date} | ${machine} | ${command} | ${r.workload} | ${r.value} | - | ${r.ratio} | ${r.target} | median of ${runs} alternating rounds; load average ${load} at the end; ${r.note} |`,
  );
  await appendFile(path.join(root, 'BENCHMARKS.md'), `${rows.join('\n')}\n`);
  console.log('appended to BENCHMARKS.md');
}
