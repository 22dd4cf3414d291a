/**
 * The worker thread's program, as plain JavaScript text started with `new Worker(src, { eval: true })`.
 * Keeping it a string (not a .ts file next to this one) means it runs unchanged whether the
 * package is used from its TypeScript sources under vitest or from the built dist/.
 *
 * A worker instantiates the kernel module over the shared heap memory, reports ready, and then
 * loops: wait for a new job generation on the control block, run the exported function with the
 * job's arguments plus its thread index, and count itself done. It spins briefly before sleeping
 * in Atomics.wait because a training step issues kernels back to back.
 */
import { CONTROL } from './control.js';

export const WORKER_SOURCE = `
'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, tid, exportNames, hostMath, spin } = workerData;
const C = ${JSON.stringify(CONTROL)};
const ctl = new Int32Array(control);
const args = new Float64Array(control, C.argsByte, C.maxArgs);
const errorBytes = new Uint8Array(control, C.errorByte, C.errorBytes);
const env = { memory };
for (const name of hostMath) env[name] = Math[name];
const instance = new WebAssembly.Instance(module, { env });
const fns = exportNames.map((name) => instance.exports[name]);
// Read the generation before reporting ready: the first job may be published right after.
let seen = Atomics.load(ctl, C.generation);
parentPort.postMessage('ready');
for (;;) {
  let spins = 0;
  while (Atomics.load(ctl, C.generation) === seen) {
    if (++spins > spin) Atomics.wait(ctl, C.generation, seen);
  }
  seen = Atomics.load(ctl, C.generation);
  if (Atomics.load(ctl, C.command) === C.exit) break;
  try {
    const argc = ctl[C.argc];
    const list = new Array(argc + 1);
    for (let i = 0; i < argc; i++) list[i] = args[i];
    list[argc] = tid;
    fns[ctl[C.fn]].apply(null, list);
  } catch (err) {
    if (Atomics.compareExchange(ctl, C.failed, 0, 1) === 0) {
      const text = new TextEncoder().encode('worker ' + tid + ': ' + String(err && err.message || err));
      errorBytes.fill(0);
      errorBytes.set(text.subarray(0, errorBytes.length));
    }
  }
  if (Atomics.sub(ctl, C.pending, 1) === 1) Atomics.notify(ctl, C.pending);
}
`;
