/**
 * The backends every op, gradient and training test runs on. A new backend (webgpu) adds itself
 * to BACKEND_CASES and inherits every assertion of the suite. Each test file builds each backend
 * once, on first use (worker threads are unref'd, so nothing has to be torn down).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { createCpuBackend } from '../backend/cpu/create-cpu-backend.js';
import { createWebGpuBackend } from '../backend/webgpu/create-webgpu-backend.js';
import { peekBackend, setBackend } from '../tensor/engine.js';

export interface BackendCase {
  readonly name: string;
  /** Whether kernels compute in f64 on it (the CPU reference does; GPUs do not). */
  readonly f64: boolean;
  readonly create: () => Promise<Backend>;
}

export const BACKEND_CASES: readonly BackendCase[] = [
  { name: 'cpu-reference', f64: true, create: async () => new CpuBackend() },
  // Two threads even on one core, so the multi-threaded split is always exercised.
  { name: 'cpu-fast', f64: true, create: () => createCpuBackend({ threads: 2 }) },
  // A hardware adapter where there is one, else Mesa's llvmpipe (CI): every kernel really runs.
  { name: 'webgpu', f64: false, create: () => createWebGpuBackend() },
];

const built = new Map<string, Promise<Backend>>();

export function testBackend(name: string): Promise<Backend> {
  const c = BACKEND_CASES.find((b) => b.name === name);
  if (!c) throw new Error(`no test backend named ${name}`);
  let b = built.get(name);
  if (!b) {
    b = c.create();
    built.set(name, b);
  }
  return b;
}

let reference: CpuBackend | undefined;

/** The f64 oracle: plain TypeScript kernels on the CPU. */
export function referenceBackend(): CpuBackend {
  reference ??= new CpuBackend();
  return reference;
}

export interface BackendUnderTest {
  readonly case: BackendCase;
  /** The backend (set once the suite's beforeAll has run). */
  readonly backend: Backend;
}

/**
 * `describe.each` over BACKEND_CASES (or the named subset): within `body`, every test runs with
 * that backend as the current one, so `tensor(...)` and every op land on it.
 */
export function describeEachBackend(
  title: string,
  body: (b: BackendUnderTest) => void,
  only?: (c: BackendCase) => boolean,
): void {
  const cases = only ? BACKEND_CASES.filter(only) : BACKEND_CASES;
  describe.each(cases)(`${title} [$name]`, (c) => {
    let backend: Backend | undefined;
    let previous: Backend | undefined;
    beforeAll(async () => {
      backend = await testBackend(c.name);
      previous = peekBackend();
      setBackend(backend);
    });
    afterAll(() => setBackend(previous));
    body({
      case: c,
      get backend() {
        if (!backend) throw new Error('the backend is set up in beforeAll; read it inside a test');
        return backend;
      },
    });
  });
}

/** Runs `fn` with `backend` as the current backend, then puts the previous one back. */
export function onBackend<T>(backend: Backend, fn: () => T): T {
  const previous = peekBackend();
  setBackend(backend);
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}
