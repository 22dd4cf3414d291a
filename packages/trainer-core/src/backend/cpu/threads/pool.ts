/**
 * A pool of worker threads that run exported functions of one WebAssembly module over one
 * shared memory. `run` is synchronous: it publishes the job on the control block, wakes the
 * workers, runs its own share on the calling thread, and returns once every worker is done.
 * Functions receive the job's arguments followed by the thread index (0 = the caller); they
 * split the work among themselves (the kernels take units from an atomic counter).
 */
import { Worker } from 'node:worker_threads';
import { CONTROL } from './control.js';
import { WORKER_SOURCE } from './worker-source.js';

export interface WorkerPoolOptions {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** The caller's instance of the module (over the same memory). */
  instance: WebAssembly.Instance;
  /** Exports that jobs may name, by position. */
  exportNames: readonly string[];
  /** Names of `Math` functions the module imports from `env` (the memory is always imported as env.memory). */
  hostMath: readonly string[];
  /** Total threads including the caller (>= 1). */
  threads: number;
  /** Busy-wait iterations before a worker sleeps (~10 ns each). */
  spin?: number;
}

type WasmFn = (...args: number[]) => unknown;

export class WorkerPool {
  readonly threads: number;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly errorBytes: Uint8Array;
  private readonly fns: WasmFn[];
  private readonly index = new Map<string, number>();
  private readonly workers: Worker[];
  private disposed = false;

  private constructor(opts: WorkerPoolOptions, control: SharedArrayBuffer, workers: Worker[]) {
    this.threads = opts.threads;
    this.ctl = new Int32Array(control);
    this.args = new Float64Array(control, CONTROL.argsByte, CONTROL.maxArgs);
    this.errorBytes = new Uint8Array(control, CONTROL.errorByte, CONTROL.errorBytes);
    this.fns = opts.exportNames.map((name) => {
      const fn = opts.instance.exports[name];
      if (typeof fn !== 'function') throw new Error(`WorkerPool: the module has no exported function ${name}`);
      return fn as WasmFn;
    });
    opts.exportNames.forEach((name, i) => {
      this.index.set(name, i);
    });
    this.workers = workers;
  }

  static async create(opts: WorkerPoolOptions): Promise<WorkerPool> {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) {
      throw new RangeError(`WorkerPool: threads must be an integer >= 1, got ${opts.threads}`);
    }
    const control = new SharedArrayBuffer(CONTROL.totalBytes);
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let tid = 1; tid < opts.threads; tid++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: opts.module,
          memory: opts.memory,
          control,
          tid,
          exportNames: opts.exportNames,
          hostMath: opts.hostMath,
          spin: opts.spin ?? 20_000,
        },
      });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`kernel worker ${tid} exited early with code ${code}`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    // Idle workers must not keep the process alive.
    for (const w of workers) {
      w.removeAllListeners('exit');
      w.unref();
    }
    return new WorkerPool(opts, control, workers);
  }

  /** Runs `name(...args, tid)` on `threads` threads (1 = only the caller, no workers woken). */
  run(name: string, args: readonly number[], threads = this.threads): void {
    if (this.disposed) throw new Error('WorkerPool: used after dispose()');
    const fnIndex = this.index.get(name);
    if (fnIndex === undefined) throw new Error(`WorkerPool: unknown function ${name}`);
    const fn = this.fns[fnIndex]!;
    const helpers = Math.min(threads, this.threads) - 1;
    if (helpers <= 0) {
      fn(...args, 0);
      return;
    }
    if (args.length > CONTROL.maxArgs - 1) throw new RangeError(`WorkerPool: too many arguments (${args.length})`);
    const ctl = this.ctl;
    this.args.set(args);
    ctl[CONTROL.fn] = fnIndex;
    ctl[CONTROL.argc] = args.length;
    ctl[CONTROL.command] = CONTROL.run;
    // Workers beyond `helpers` also wake, find no work units left, and report done at once.
    Atomics.store(ctl, CONTROL.pending, this.workers.length);
    Atomics.add(ctl, CONTROL.generation, 1);
    Atomics.notify(ctl, CONTROL.generation);
    try {
      fn(...args, 0);
    } finally {
      this.waitForWorkers();
    }
    if (Atomics.load(ctl, CONTROL.failed) !== 0) {
      const text = new TextDecoder().decode(this.errorBytes.slice()).replace(/\0+$/, '');
      Atomics.store(ctl, CONTROL.failed, 0);
      throw new Error(`kernel ${name} failed on a worker thread: ${text}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctl, CONTROL.command, CONTROL.exit);
    Atomics.add(this.ctl, CONTROL.generation, 1);
    Atomics.notify(this.ctl, CONTROL.generation);
    for (const w of this.workers) void w.terminate();
  }

  private waitForWorkers(): void {
    const ctl = this.ctl;
    let spins = 0;
    for (;;) {
      const pending = Atomics.load(ctl, CONTROL.pending);
      if (pending === 0) return;
      if (++spins > 2000) Atomics.wait(ctl, CONTROL.pending, pending, 50);
    }
  }
}
