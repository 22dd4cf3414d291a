#!/usr/bin/env node
// Benchmark of issue 3: `guinav world generate --preset gelab` (screenshots included) followed by
// `guinav data gelab` on it, end to end through the built CLI, in a fresh folder each run.
// Target: at most 20 s on a 2-core machine. With --append, adds one row (median of --runs) to
// BENCHMARKS.md (opt-in, like tools/bench/eval-oracle.mjs).
//   npx nx run-many -t build && node tools/bench/data-gen.mjs [--runs 5] [--append]
import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..');
const bin = path.join(root, 'packages', 'cli', 'bin', 'guinav.js');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, append: { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected an integer >= 1, got "${values.runs}"`);

function guinav(args, cwd) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`guinav ${args.join(' ')} failed:\n${result.stderr}`);
  return (performance.now() - started) / 1000;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const world = ['world', 'generate', '--preset', 'gelab', '--seed', '1', '--out', 'world'];
const data = [
  'data',
  'gelab',
  '--ui-structure',
  'world/ui_structure.json',
  '--images-dir',
  'world/images',
  '--out',
  'datas',
];
const totals = [];
const worldTimes = [];
const dataTimes = [];
for (let i = 0; i < runs; i++) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'guinav-bench-'));
  try {
    const w = guinav(world, dir);
    const d = guinav(data, dir);
    worldTimes.push(w);
    dataTimes.push(d);
    totals.push(w + d);
    console.log(
      `run ${i + 1}/${runs}: world generate ${w.toFixed(2)} s + data gelab ${d.toFixed(2)} s = ${(w + d).toFixed(2)} s`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const cpus = os.cpus();
const machine = `${os.availableParallelism()} cores, ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const result = `${median(totals).toFixed(2)} s (world ${median(worldTimes).toFixed(2)} s + data ${median(dataTimes).toFixed(2)} s)`;
console.log(`median of ${runs}: ${result} on ${machine}`);
if (values.append) {
  const date = new Date().toISOString().slice(0, 10);
  const command = `\`node tools/bench/data-gen.mjs --runs ${runs} --append\``;
  const workload =
    '`guinav world generate --preset gelab` (231 pages + 448x448 screenshots) then `guinav data gelab` (sft/st_rl/test/tasks_test/stats), fresh folder per run';
  const row = `| ${date} | ${machine} | ${command} | ${workload} | ${result} | - | - | <= 20 s | median of ${runs} runs; shared machine, timings noisy |\n`;
  await appendFile(path.join(root, 'BENCHMARKS.md'), row);
  console.log('appended a row to BENCHMARKS.md');
}
