#!/usr/bin/env node
// Benchmark of issue 5 (CPU backend): runs `guinav bench --device cpu --json` and the PyTorch
// peer (torch_peer.py) alternately, several rounds, on this machine, and prints the
// median of each workload on both sides with the ratio, as BENCHMARKS.md rows.
// Targets: matmul_f32_1024 >= 0.30x PyTorch's GFLOP/s; train_step_full <= 1.5x PyTorch's time;
// train_step_lora16 <= 1x PyTorch's time (issue 11). Workloads the peer does not have (the NF4 step,
// heap figures) are printed with '-' on the peer's side.
//   npx nx run-many -t build
//   node tools/bench/cpu-vs-torch.mjs <path/to/torch_peer.py> [--rounds 3] [--threads 2] [--reps 7]
//        [--workloads a,b] [--python /usr/bin/python3] [--note "..."]
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..');
const bin = path.join(root, 'packages', 'cli', 'bin', 'guinav.js');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
    reps: { type: 'string', default: '7' },
    python: { type: 'string', default: '/usr/bin/python3' },
    note: { type: 'string', default: '' },
    workloads: { type: 'string' },
  },
});
const peer = positionals[0];
if (!peer) throw new Error('usage: node tools/bench/cpu-vs-torch.mjs <path/to/torch_peer.py> [--rounds N] ...');
const positive = (name) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected an integer >= 1, got "${values[name]}"`);
  return n;
};
const [rounds, threads, reps] = [positive('rounds'), positive('threads'), positive('reps')];

/** What each workload's target is, as the issue states it (ratio = guinav / peer). */
const TARGETS = {
  matmul_f32_1024: { text: '>= 0.30', ok: (r) => r >= 0.3 },
  train_step_full: { text: '<= 1.5 (stretch < 1)', ok: (r) => r <= 1.5 },
  train_step_lora16: { text: '<= 1', ok: (r) => r <= 1 },
};

function jsonLines(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l));
}

const runs = { guinav: new Map(), peer: new Map() };
const record = (side, rows) => {
  for (const { workload, value, unit } of rows) {
    const entry = runs[side].get(workload) ?? { unit, values: [] };
    entry.values.push(value);
    runs[side].set(workload, entry);
  }
};

for (let round = 1; round <= rounds; round++) {
  process.stderr.write(`round ${round}/${rounds}: guinav ...`);
  record(
    'guinav',
    jsonLines(process.execPath, [
      bin,
      'bench',
      '--device',
      'cpu',
      '--json',
      '--threads',
      String(threads),
      '--reps',
      String(reps),
      ...(values.workloads ? ['--workloads', values.workloads] : []),
    ]),
  );
  process.stderr.write(' torch ...');
  // The peer always prints JSON lines (its argparse has no --json flag, though its docstring shows one).
  record('peer', jsonLines(values.python, [peer, '--threads', String(threads), '--reps', String(reps)]));
  process.stderr.write(' done\n');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const torchVersion = spawnSync(values.python, ['-c', 'import torch; print(torch.__version__)'], {
  encoding: 'utf8',
}).stdout.trim();
const date = new Date().toISOString().slice(0, 10);
const machine = `${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? 'unknown'}, node ${process.version}`;
const command =
  `node tools/bench/cpu-vs-torch.mjs torch_peer.py --rounds ${rounds} --threads ${threads} --reps ${reps}` +
  (values.workloads ? ` --workloads ${values.workloads}` : '');
const note = [`${rounds} alternating rounds, torch ${torchVersion}`, values.note].filter(Boolean).join('; ');

console.log('| date | machine | command | workload | guinav (median) | peer (median) | ratio | target | note |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [workload, ours] of runs.guinav) {
  const theirs = runs.peer.get(workload);
  const a = median(ours.values);
  const b = theirs ? median(theirs.values) : undefined;
  const ratio = b === undefined ? undefined : a / b;
  const target = TARGETS[workload];
  const verdict = target && ratio !== undefined ? `${target.text} ${target.ok(ratio) ? '(met)' : '(NOT met)'}` : '-';
  const fmt = (x) => (x === undefined ? '-' : `${x.toFixed(ours.unit === 'B/param' ? 3 : 1)} ${ours.unit}`);
  const shown = ratio === undefined ? '-' : `${ratio.toFixed(2)}x`;
  console.log(
    `| ${date} | ${machine} | \`${command}\` | ${workload} | ${fmt(a)} | ${fmt(b)} | ${shown} | ${verdict} | ${note} |`,
  );
}
