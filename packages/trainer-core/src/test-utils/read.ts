/** Reading tensors in async tests, as any backend (a GPU included) allows. */
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/** Runs `fn` in a scope, reads its result(s) and frees them: `await values(() => add(a, b))`. */
export async function values(fn: () => Tensor): Promise<number[]> {
  const t = tidy(fn);
  try {
    return await t.array();
  } finally {
    t.dispose();
  }
}

/** `values` for a function returning several tensors (a tuple in, a tuple of arrays out). */
export async function valuesOf<T extends readonly Tensor[]>(
  fn: () => readonly [...T],
): Promise<{ [K in keyof T]: number[] }> {
  const ts = tidy(() => [...fn()]);
  try {
    return (await Promise.all(ts.map((t) => t.array()))) as { [K in keyof T]: number[] };
  } finally {
    for (const t of ts) t.dispose();
  }
}
